package dev.portcullis.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.identity.Identity;
import dev.portcullis.pg.codec.BackendMessages;
import dev.portcullis.pg.codec.CStrings;
import dev.portcullis.pg.codec.ErrorResponse;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.Judgement;
import dev.portcullis.policy.StatementKind;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatementTrackerTest {
  private final List<SessionEvent> events = new ArrayList<>();
  private final StatementTracker tracker = new StatementTracker(events::add, new SessionInfo("s1", "gw",
      new Identity("bot", List.of(), "iss", Instant.now().plusSeconds(60)), "orders", "postgres"));

  private static Buffer complete(String tag) {
    Buffer b = Buffer.buffer().appendByte((byte) 'C').appendInt(0);
    CStrings.append(b, tag);
    return b.setInt(1, b.length() - 1);
  }

  private Buffer refusalError() {
    Map<Character, String> f = new java.util.LinkedHashMap<>(ErrorResponse.of("ERROR", "42501", "denied", null).fields());
    f.put('s', RefusalStatement.MARKER);
    return new ErrorResponse(f).encode();
  }

  private static Judgement allow(String sql) {
    Decision d = new Decision.Allow("p", "r", "ok");
    return new Judgement(List.of(new JudgedStatement(sql, sql, Set.of(StatementKind.SELECT), List.of("public.t"),
        List.of(), d, null)), d);
  }

  @Test
  void refusedParseAfterHealthyPipelineDropsTheRefusalsOwnReadyForQuery() {
    List<String> ids = tracker.decided(allow("select 1"), "select 1", "extended");
    tracker.parsed("", ids.get(0), List.of());
    tracker.bound("", "");
    tracker.executed("", 0);
    tracker.parseRefused("");
    tracker.synced();
    assertEquals(1, tracker.awaitingReady());
    Buffer c = complete("SELECT 1");
    assertTrue(tracker.onMessage((byte) 'C', c) == c);
    Buffer replaced = tracker.onMessage((byte) 'E', refusalError());
    ErrorResponse seen = ErrorResponse.parse(replaced);
    assertNull(seen.fields().get('s'), "marker never reaches the client");
    assertEquals("denied", seen.message());
    assertNull(tracker.onMessage((byte) 'Z', BackendMessages.readyForQuery((byte) 'I')));
    Buffer z = BackendMessages.readyForQuery((byte) 'I');
    assertTrue(tracker.onMessage((byte) 'Z', z) == z);
    assertEquals(0, tracker.awaitingReady());
    assertEquals("statement.completed", events.get(events.size() - 1).type());
    assertEquals("s1/1", events.get(events.size() - 1).details().get("statementId"));
    assertEquals(1L, events.get(events.size() - 1).details().get("rows"));
  }

  @Test
  void refusedParseWhileServerIgnoresTillSyncPassesTheSingleReadyForQuery() {
    tracker.parsed("", "x", List.of());
    tracker.bound("", "");
    tracker.executed("", 0);
    tracker.parseRefused("");
    tracker.synced();
    Buffer err = ErrorResponse.of("ERROR", "23505", "duplicate", null).encode();
    assertTrue(tracker.onMessage((byte) 'E', err) == err);
    Buffer z = BackendMessages.readyForQuery((byte) 'I');
    assertTrue(tracker.onMessage((byte) 'Z', z) == z);
    assertEquals(0, tracker.awaitingReady());
    Map<String, Object> error = (Map<String, Object>) events.get(events.size() - 1).details().get("error");
    assertEquals("23505", error.get("sqlState"));
  }

  @Test
  void backendChangingClientEncodingIsAViolation() {
    Buffer ok = BackendMessages.parameterStatus("client_encoding", "UTF8");
    tracker.onMessage((byte) 'S', ok);
    assertNull(tracker.backendViolation());
    tracker.onMessage((byte) 'S', BackendMessages.parameterStatus("client_encoding", "SJIS"));
    assertNotNull(tracker.backendViolation());
  }

  @Test
  void deniedMessageReportsEveryStatementAsNotRun() {
    Decision deny = new Decision.Deny("p", "no-ddl", "DDL is not allowed");
    Decision ok = new Decision.Allow("p", "r", "ok");
    Judgement j = new Judgement(List.of(
        new JudgedStatement("select 1", "select ?", Set.of(StatementKind.SELECT), List.of(), List.of(), ok, null),
        new JudgedStatement("drop table t", "drop table t", Set.of(StatementKind.DDL), List.of("public.t"),
            List.of(), deny, null)), deny);
    tracker.decided(j, "select 1; drop table t", "simple");
    assertEquals(2, events.size());
    assertEquals("deny", events.get(0).details().get("decision"));
    assertEquals(List.of("select"), events.get(0).details().get("kinds"));
    assertEquals("no-ddl", events.get(1).details().get("rule"));
    assertFalse(j.allowed());
  }

  @Test
  void refusalStatementQuotesAndPicksAFreeDollarTag() {
    String sql = RefusalStatement.sql(new ErrorReplies.Refusal("42501", "it's $portcullis$ here"));
    assertTrue(sql.startsWith("DO $portcullis0$ "), sql);
    assertTrue(sql.contains("'it''s $portcullis$ here'"), sql);
    assertTrue(sql.endsWith(" $portcullis0$"), sql);
  }

  @Test
  void startupParameterFiltering() {
    StartupParameters p = StartupParameters.filter(Map.of("user", "u", "database", "orders",
        "application_name", "app", "search_path", "evil", "client_encoding", "utf-8", "_pq_.x", "1"));
    assertEquals(Map.of("application_name", "app", "client_encoding", "utf-8"), p.passed());
    assertEquals(List.of("_pq_.x"), p.unsupported());
    SessionRefusedException e = org.junit.jupiter.api.Assertions.assertThrows(SessionRefusedException.class,
        () -> StartupParameters.filter(Map.of("user", "u", "database", "d", "options", "-c role=admin")));
    assertTrue(e.getMessage().contains("\"options\" is not allowed"));
    org.junit.jupiter.api.Assertions.assertThrows(SessionRefusedException.class,
        () -> StartupParameters.filter(Map.of("user", "u", "database", "d", "client_encoding", "SJIS")));
    org.junit.jupiter.api.Assertions.assertThrows(SessionRefusedException.class,
        () -> StartupParameters.filter(Map.of("user", "u")));
  }

  @Test
  void refusalWithoutStatementsStillLeavesAnAuditRecord() {
    Decision deny = new Decision.Deny(null, null, "the statement could not be parsed");
    List<String> ids = tracker.decided(new Judgement(List.of(), deny), "selec $$", "simple");
    assertEquals(1, ids.size());
    assertEquals("selec $$", events.get(0).details().get("text"));
    assertEquals("deny", events.get(0).details().get("decision"));
  }
}
