package dev.portcullis.forward;

import java.util.Map;

/**
 * The backend session is authenticated and idle (its first ReadyForQuery has been consumed).
 *
 * @param toUpstreamAddress where the termination side sends client bytes ({@code Buffer} batches, local codec)
 * @param parameterStatus   the backend's ParameterStatus values, to relay to the client
 * @param processId         the backend's BackendKeyData process id (kept by the gateway for CancelRequest)
 * @param secretKey         the backend's BackendKeyData secret (never sent to the client)
 */
public record UpstreamOpened(
    String toUpstreamAddress, Map<String, String> parameterStatus, int processId, int secretKey) {
  public UpstreamOpened {
    parameterStatus = Map.copyOf(parameterStatus);
  }
}
