package dev.portcullis.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.portcullis.config.SshTargetConfig;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.identity.Identity;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SSH facts as session events: protocol "ssh", the contract's statement fields, no secrets. */
class PublishedSshSessionEventsTest {
  private final List<SessionEvent> published = new ArrayList<>();
  private final PublishedSshSessionEvents events = new PublishedSshSessionEvents(published::add, "gw-1");
  private final AgentSession session = new AgentSession(
      new Identity("ci-bot", List.of("agents"), "https://idp", Instant.now().plusSeconds(60)),
      new SshTargetConfig("box", "10.0.0.5", 22, "deploy", Path.of("k"), "ssh-ed25519 AAAA"),
      "127.0.0.1:50000", "SSH-2.0-OpenSSH_9.2p1", io.vertx.core.Future.succeededFuture());

  @Test
  void lifecycleAndStatements() {
    events.started(session);
    String id = session.nextStatementId();
    SshChannelRequest request = new SshChannelRequest(session.sessionId(), session.identity(), "box",
        SshChannelKind.EXEC, "git status");
    events.decided(session, id, request, SshVerdict.ALLOW);
    events.completed(session, id, 0, null, null, 12);
    String second = session.nextStatementId();
    events.decided(session, second, new SshChannelRequest(session.sessionId(), session.identity(), "box",
        SshChannelKind.SUBSYSTEM, "sftp"), SshVerdict.deny("no rule allows sftp"));
    events.ended(session, "client terminated");

    assertEquals(List.of(EventType.SESSION_STARTED, EventType.STATEMENT_DECIDED, EventType.STATEMENT_COMPLETED,
        EventType.STATEMENT_DECIDED, EventType.SESSION_ENDED), published.stream().map(SessionEvent::type).toList());
    for (SessionEvent e : published) {
      assertEquals("ssh", e.session().protocol());
      assertEquals("box", e.session().target());
      assertEquals(session.sessionId(), e.session().sessionId());
      assertEquals("gw-1", e.session().gatewayId());
      dev.portcullis.events.EventSchemas.assertValid(dev.portcullis.events.EventJson.encode(e));
    }
    Map<String, Object> started = published.get(0).details();
    assertEquals("127.0.0.1:50000", started.get("clientAddress"));
    assertEquals("SSH-2.0-OpenSSH_9.2p1", started.get("applicationName"));
    Map<String, Object> decided = published.get(1).details();
    assertEquals(session.sessionId() + "/1", decided.get("statementId"));
    assertEquals("git status", decided.get("text"));
    assertEquals(List.of("exec"), decided.get("kinds"));
    assertEquals("allow", decided.get("decision"));
    assertEquals("ssh", decided.get("queryProtocol"));
    Map<String, Object> completed = published.get(2).details();
    assertEquals(0L, ((Number) completed.get("exitStatus")).longValue());
    assertNull(completed.get("exitSignal"));
    Map<String, Object> refused = published.get(3).details();
    assertEquals("subsystem sftp", refused.get("text"));
    assertEquals(List.of("subsystem"), refused.get("kinds"));
    assertEquals("deny", refused.get("decision"));
    assertEquals("no rule allows sftp", refused.get("reason"));
    assertEquals(2L, published.get(4).details().get("statements"));
  }
}
