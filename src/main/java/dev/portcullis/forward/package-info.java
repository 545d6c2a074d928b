/**
 * Forwarding: owns the upstream (target) connections, so that it can later run in a separate process next to the
 * targets while termination runs at the edge (design-notes §0).
 *
 * <h2>Opening</h2>
 * Termination sends {@link dev.portcullis.forward.UpstreamOpen} to {@code portcullis.forward.pg.open} (request/reply,
 * timeout) once the agent's token is validated and a policy admits it. The forwarder connects, authenticates with
 * the target's own credential, checks the backend role is not privileged, consumes everything up to the first
 * ReadyForQuery, and replies {@link dev.portcullis.forward.UpstreamOpened}.
 *
 * <h2>Frames on the bus</h2>
 * <pre>
 *  termination                                   forwarder
 *     │ request(toUpstreamAddress, Buffer) ───────▶ │ write to backend socket
 *     │ ◀────────────────────────────── reply(ack)  │ (ack once the write queue is not full, else after drain)
 *     │                                             │
 *     │ ◀──────── request(toClientAddress, Buffer)  │ one message per backend socket read
 *     │ ack ──────────────────────────────────────▶ │
 *     │ send(…, empty Buffer, header "portcullis-end") either way: the peer closes after what came before
 * </pre>
 * <ul>
 *   <li>Every Buffer goes with {@code DeliveryOptions.setCodecName(Addresses.BUFFER_CODEC)}: the same bytes are
 *       handed over, never copied; the sender must not touch a Buffer after sending it.</li>
 *   <li>One bus message per socket read (or per batch of whole protocol messages), never one per protocol
 *       message.</li>
 *   <li>Back-pressure: a sender keeps at most {@code 4} unacknowledged batches in flight; at that limit it pauses the
 *       socket it reads from and resumes on the next ack. The receiver acks only when its socket's write queue is
 *       not full (otherwise on its drain handler). So a slow client slows the backend read, and memory stays
 *       bounded.</li>
 *   <li>Order: each session has its own pair of addresses, consumed by one handler each, so frames of a session
 *       stay in order (never round-robin a session between instances).</li>
 *   <li>A failed ack (timeout, no handler) or the {@code portcullis-end} header ends the session: both sides close
 *       their sockets and unregister their consumers.</li>
 * </ul>
 */
package dev.portcullis.forward;
