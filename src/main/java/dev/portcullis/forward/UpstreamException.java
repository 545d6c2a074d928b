package dev.portcullis.forward;

/**
 * Opening an upstream failed. {@link #getMessage()} is safe to show the client: it never holds the backend
 * credential, and the backend's own error text only where it names no secret.
 */
public final class UpstreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final UpstreamFailure failure;

  public UpstreamException(UpstreamFailure failure, String clientMessage) {
    super(clientMessage, null, false, false);
    this.failure = failure;
  }

  public UpstreamFailure failure() {
    return failure;
  }
}
