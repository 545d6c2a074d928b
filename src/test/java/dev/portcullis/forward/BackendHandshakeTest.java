package dev.portcullis.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.Secret;
import dev.portcullis.config.TargetConfig;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The startup state machine, fed hand-made backend messages (no network). */
class BackendHandshakeTest {
  private static TargetConfig target(boolean allowPrivileged) {
    return new TargetConfig("t", "postgres", "127.0.0.1", 5432, "db", "gw", new Secret("pw"),
        TargetConfig.UpstreamTls.disabled(), allowPrivileged);
  }

  private static BackendMessage auth(int code, Buffer rest) {
    return new BackendMessage((byte) 'R', Buffer.buffer().appendInt(code).appendBuffer(rest));
  }

  private static BackendMessage parameter(String name, String value) {
    return new BackendMessage((byte) 'S', Buffer.buffer().appendString(name).appendByte((byte) 0)
        .appendString(value).appendByte((byte) 0));
  }

  private static BackendMessage ready() {
    return new BackendMessage((byte) 'Z', Buffer.buffer("I"));
  }

  private static BackendMessage row(String value) {
    return new BackendMessage((byte) 'D', Buffer.buffer().appendShort((short) 1).appendInt(1).appendString(value));
  }

  private static BackendHandshake authenticated(boolean allowPrivileged) {
    BackendHandshake h = new BackendHandshake(target(allowPrivileged));
    h.onMessage(auth(0, Buffer.buffer()));
    h.onMessage(parameter("client_encoding", "UTF8"));
    h.onMessage(parameter("standard_conforming_strings", "on"));
    h.onMessage(new BackendMessage((byte) 'K', Buffer.buffer().appendInt(42).appendInt(7)));
    return h;
  }

  @Test
  void checksPrivilegeBeforeReady() {
    BackendHandshake h = authenticated(false);
    BackendHandshake.Step step = h.onMessage(ready());
    BackendHandshake.Step.Send send = assertInstanceOf(BackendHandshake.Step.Send.class, step);
    assertEquals('Q', send.bytes().getByte(0));
    h.onMessage(row("f"));
    assertInstanceOf(BackendHandshake.Step.Ready.class, h.onMessage(ready()));
    assertEquals(42, h.processId());
    assertEquals(7, h.secretKey());
  }

  @Test
  void refusesPrivilegedRoleAndMissingAnswer() {
    BackendHandshake h = authenticated(false);
    h.onMessage(ready());
    h.onMessage(row("t"));
    assertEquals(UpstreamFailure.PRIVILEGED_BACKEND,
        assertThrows(UpstreamException.class, () -> h.onMessage(ready())).failure());
    BackendHandshake noRow = authenticated(false);
    noRow.onMessage(ready());
    assertEquals(UpstreamFailure.OTHER,
        assertThrows(UpstreamException.class, () -> noRow.onMessage(ready())).failure());
  }

  @Test
  void allowedPrivilegeSkipsTheCheck() {
    assertInstanceOf(BackendHandshake.Step.Ready.class, authenticated(true).onMessage(ready()));
  }

  @Test
  void refusesWrongEncodingOrNonStandardStrings() {
    BackendHandshake latin = authenticated(true);
    latin.onMessage(parameter("client_encoding", "LATIN1"));
    assertThrows(UpstreamException.class, () -> latin.onMessage(ready()));
    BackendHandshake backslash = authenticated(true);
    backslash.onMessage(parameter("standard_conforming_strings", "off"));
    assertThrows(UpstreamException.class, () -> backslash.onMessage(ready()));
  }

  @Test
  void refusesAuthOkWithoutScramServerProof() {
    BackendHandshake h = new BackendHandshake(target(false));
    Buffer mechanisms = Buffer.buffer().appendString("SCRAM-SHA-256-PLUS").appendByte((byte) 0)
        .appendString("SCRAM-SHA-256").appendByte((byte) 0).appendByte((byte) 0);
    BackendHandshake.Step.Send first = assertInstanceOf(BackendHandshake.Step.Send.class,
        h.onMessage(auth(10, mechanisms)));
    assertTrue(first.bytes().toString().contains("SCRAM-SHA-256\0"));
    assertTrue(first.bytes().toString().contains("n,,n=,r="));
    assertEquals(UpstreamFailure.BACKEND_AUTH_FAILED,
        assertThrows(UpstreamException.class, () -> h.onMessage(auth(0, Buffer.buffer()))).failure());
  }

  @Test
  void refusesOnlyChannelBindingAndUnknownMethods() {
    Buffer plusOnly = Buffer.buffer().appendString("SCRAM-SHA-256-PLUS").appendByte((byte) 0).appendByte((byte) 0);
    assertThrows(UpstreamException.class, () -> new BackendHandshake(target(false)).onMessage(auth(10, plusOnly)));
    assertThrows(UpstreamException.class,
        () -> new BackendHandshake(target(false)).onMessage(auth(7, Buffer.buffer())));
  }

  @Test
  void mapsBackendErrorsWithoutTheirText() {
    UpstreamException e = BackendHandshake.backendError(Map.of('C', "28P01", 'M', "secret detail"));
    assertEquals(UpstreamFailure.BACKEND_AUTH_FAILED, e.failure());
    assertFalse(e.getMessage().contains("secret detail"));
    assertEquals(UpstreamFailure.OTHER, BackendHandshake.backendError(Map.of('C', "53300")).failure());
  }

  @Test
  void startupUsesTargetIdentityAndOnlyPassableParameters() {
    Map<String, String> client = new LinkedHashMap<>();
    client.put("user", "agent");
    client.put("database", "other");
    client.put("application_name", "a");
    client.put("DateStyle", "ISO");
    client.put("options", "-c role=admin");
    client.put("client_encoding", "SJIS");
    client.put("replication", "true");
    Map<String, String> p = BackendHandshake.startupParameters(target(false), client);
    assertEquals(Map.of("user", "gw", "database", "db", "application_name", "a", "DateStyle", "ISO",
        "client_encoding", "UTF8", "options", "-c search_path=\"$user\",\\ public"), p);
  }
}
