package dev.portcullis.forward;

/** Header names and limits of the frame flow described in {@code package-info}. */
public final class FrameHeaders {
  /** Present (value = a short reason) on the last message of a direction; the body is empty. */
  public static final String END = "portcullis-end";
  /** Unacknowledged batches a sender may have in flight before it pauses its socket. */
  public static final int MAX_IN_FLIGHT = 4;

  private FrameHeaders() {}
}
