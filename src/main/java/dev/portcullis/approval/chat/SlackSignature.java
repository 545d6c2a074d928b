package dev.portcullis.approval.chat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's v0 request signature: {@code X-Slack-Signature: v0=hex(HMAC-SHA256(signingSecret, "v0:" + timestamp + ":"
 * + body))} over the raw body bytes, with {@code X-Slack-Request-Timestamp} in Unix seconds. The timestamp window
 * bounds how long a captured callback can be replayed; the bot's own dedupe covers replays inside it.
 */
public final class SlackSignature {
  public static final Duration WINDOW = Duration.ofMinutes(5);
  private static final String VERSION = "v0";

  /** Why a callback is refused, or {@link #VALID}. */
  public enum Verdict {
    VALID("valid"),
    MISSING("missing X-Slack-Signature or X-Slack-Request-Timestamp"),
    STALE("request timestamp is more than 5 minutes from now (replayed or clock skew)"),
    FORGED("signature does not match");

    private final String reason;

    Verdict(String reason) {
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  private final SecretKeySpec key;
  private final Clock clock;

  public SlackSignature(String signingSecret, Clock clock) {
    this.key = new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.clock = clock;
  }

  public Verdict verify(String timestamp, String signature, byte[] body) {
    if (timestamp == null || signature == null || timestamp.isEmpty() || signature.isEmpty()) {
      return Verdict.MISSING;
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return Verdict.MISSING;
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - seconds) > WINDOW.toSeconds()) {
      return Verdict.STALE;
    }
    byte[] expected = sign(timestamp.trim(), body).getBytes(StandardCharsets.US_ASCII);
    byte[] given = signature.trim().getBytes(StandardCharsets.US_ASCII);
    // MessageDigest.isEqual takes the same time wherever the first difference is
    return MessageDigest.isEqual(expected, given) ? Verdict.VALID : Verdict.FORGED;
  }

  /** The header value for {@code body} sent at {@code timestamp}: {@code v0=<lowercase hex>}. */
  public String sign(String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update((VERSION + ":" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
      return VERSION + "=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
