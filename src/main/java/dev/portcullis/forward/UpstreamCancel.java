package dev.portcullis.forward;

/**
 * Send (no reply) to {@code portcullis.forward.pg.cancel}: issue a PostgreSQL CancelRequest to the target's backend
 * with the backend's own key (the client only ever saw the key the gateway issued).
 */
public record UpstreamCancel(String target, int processId, int secretKey) {}
