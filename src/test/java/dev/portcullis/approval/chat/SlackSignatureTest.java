package dev.portcullis.approval.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SlackSignatureTest {
  // The worked example of Slack's "Verifying requests from Slack" page: a check against the real scheme rather
  // than against our own signing code.
  private static final String DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final String DOC_TIMESTAMP = "1531420618";
  private static final String DOC_BODY = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
      + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
      + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J"
      + "%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  private static final String DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

  private static SlackSignature at(long epochSecond) {
    return new SlackSignature(DOC_SECRET, Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
  }

  private static byte[] body(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void slacksDocumentedExampleVerifies() {
    assertEquals(DOC_SIGNATURE, at(1531420618).sign(DOC_TIMESTAMP, body(DOC_BODY)));
    assertEquals(SlackSignature.Verdict.VALID, at(1531420618).verify(DOC_TIMESTAMP, DOC_SIGNATURE, body(DOC_BODY)));
  }

  @Test
  void aChangedBodyTimestampOrSecretIsForged() {
    SlackSignature s = at(1531420618);
    assertEquals(SlackSignature.Verdict.FORGED, s.verify(DOC_TIMESTAMP, DOC_SIGNATURE, body(DOC_BODY + "x")));
    assertEquals(SlackSignature.Verdict.FORGED, s.verify("1531420619", DOC_SIGNATURE, body(DOC_BODY)));
    SlackSignature other = new SlackSignature("another-secret",
        Clock.fixed(Instant.ofEpochSecond(1531420618), ZoneOffset.UTC));
    assertEquals(SlackSignature.Verdict.FORGED, other.verify(DOC_TIMESTAMP, DOC_SIGNATURE, body(DOC_BODY)));
    assertEquals(SlackSignature.Verdict.FORGED, s.verify(DOC_TIMESTAMP, "v0=00", body(DOC_BODY)));
    assertEquals(SlackSignature.Verdict.FORGED, s.verify(DOC_TIMESTAMP, DOC_SIGNATURE.toUpperCase(), body(DOC_BODY)));
  }

  @Test
  void timestampsOutsideFiveMinutesAreStaleEitherWay() {
    assertEquals(SlackSignature.Verdict.VALID, at(1531420618 + 300).verify(DOC_TIMESTAMP, DOC_SIGNATURE,
        body(DOC_BODY)));
    assertEquals(SlackSignature.Verdict.STALE, at(1531420618 + 301).verify(DOC_TIMESTAMP, DOC_SIGNATURE,
        body(DOC_BODY)));
    assertEquals(SlackSignature.Verdict.STALE, at(1531420618 - 301).verify(DOC_TIMESTAMP, DOC_SIGNATURE,
        body(DOC_BODY)));
  }

  @Test
  void missingOrMalformedHeadersAreRefused() {
    SlackSignature s = at(1531420618);
    assertEquals(SlackSignature.Verdict.MISSING, s.verify(null, DOC_SIGNATURE, body(DOC_BODY)));
    assertEquals(SlackSignature.Verdict.MISSING, s.verify(DOC_TIMESTAMP, null, body(DOC_BODY)));
    assertEquals(SlackSignature.Verdict.MISSING, s.verify("", "", body(DOC_BODY)));
    assertEquals(SlackSignature.Verdict.MISSING, s.verify("yesterday", DOC_SIGNATURE, body(DOC_BODY)));
  }
}
