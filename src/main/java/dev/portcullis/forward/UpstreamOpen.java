package dev.portcullis.forward;

import java.util.Map;

/**
 * Request to the forwarding verticle (address {@code portcullis.forward.pg.open}): open an authenticated backend
 * session for a client session whose token is already validated. Reply: {@link UpstreamOpened}, or a
 * {@link io.vertx.core.eventbus.ReplyException} whose failure code is {@link UpstreamFailure} ordinal and whose
 * message is safe to show the client.
 *
 * @param sessionId        the client session's id
 * @param target           the target name (a key of {@code targets:})
 * @param clientParameters startup parameters the client sent that may pass (already filtered to the harmless set)
 * @param toClientAddress  where the forwarder sends backend bytes ({@code Buffer} batches, local codec)
 */
public record UpstreamOpen(
    String sessionId, String target, Map<String, String> clientParameters, String toClientAddress) {
  public UpstreamOpen {
    clientParameters = Map.copyOf(clientParameters);
  }
}
