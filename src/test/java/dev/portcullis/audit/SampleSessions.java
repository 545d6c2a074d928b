package dev.portcullis.audit;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalEvents;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.approval.StatementDigest;
import dev.portcullis.events.EventIds;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionEvents;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.events.StatementError;
import dev.portcullis.identity.Identity;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.StatementKind;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Real session events built with the gateway's own factories, as a gateway would publish them. */
public final class SampleSessions {
  private SampleSessions() {}

  public static SessionInfo session(String subject, List<String> groups, String target) {
    return new SessionInfo(UUID.randomUUID().toString(), "gw-test", new Identity(subject, groups,
        "https://idp.test", Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)),
        target, "postgres");
  }

  /**
   * A complete session: started; an allowed SELECT (3 rows); a denied DROP; a reviewed DELETE with its approval
   * request and decision (on the approvals topics, as the gateway and the chat-bot publish them), then its
   * completion; a failed SELECT; ended.
   */
  public static List<SessionEvent> complete(SessionInfo s) {
    List<SessionEvent> events = new ArrayList<>();
    events.add(SessionEvents.started(s, "127.0.0.1:50000", "psql", true, List.of("agents-read")));
    events.addAll(body(s));
    events.add(SessionEvents.ended(s, "client terminated", 1234, 4));
    return spaced(events);
  }

  /**
   * The same events 1 ms apart from the first one's time: built in a tight loop, several would share a
   * microsecond, and the order of events with equal times across topics is not defined.
   */
  public static List<SessionEvent> spaced(List<SessionEvent> events) {
    List<SessionEvent> out = new ArrayList<>();
    Instant base = events.get(0).time();
    for (int i = 0; i < events.size(); i++) {
      SessionEvent e = events.get(i);
      out.add(new SessionEvent(e.id(), e.type(), base.plusMillis(i), e.session(), e.details()));
    }
    return out;
  }

  /** Everything but session.ended. */
  static List<SessionEvent> body(SessionInfo s) {
    List<SessionEvent> events = new ArrayList<>();
    String first = SessionEvents.statementId(s, 1);
    events.add(SessionEvents.decided(s, first, new JudgedStatement("SELECT name FROM customers WHERE id = 42",
        "select name from customers where id = ?", Set.of(StatementKind.SELECT), List.of("public.customers"),
        List.of(), new Decision.Allow("agents-read", "read-public", "select on public.customers is allowed"),
        null), "simple"));
    events.add(SessionEvents.completed(s, first, "SELECT 3", 7, null));
    events.add(SessionEvents.decided(s, SessionEvents.statementId(s, 2), new JudgedStatement("DROP TABLE orders",
        "drop table orders", Set.of(StatementKind.DDL), List.of("public.orders"), List.of(),
        new Decision.Deny("agents-read", "no-ddl", "ddl on public.orders is denied"), null), "simple"));
    String third = SessionEvents.statementId(s, 3);
    events.add(SessionEvents.decided(s, third, new JudgedStatement("DELETE FROM orders WHERE id = $1",
        "delete from orders where id = ?", Set.of(StatementKind.DELETE), List.of("public.orders"), List.of(),
        new Decision.Review("agents-read", "writes-need-review", "delete needs approval", List.of("db-owners")),
        null), "extended"));
    ApprovalRequest asked = approvalRequest(s, third, "DELETE FROM orders WHERE id = $1", List.of("7"));
    events.add(ApprovalEvents.requested(asked));
    events.add(ApprovalEvents.decided(s, new ApprovalDecision(asked.approvalId(), asked.digest(),
        ApprovalDecision.Outcome.APPROVED, new ApprovalDecision.Approver("alice", List.of("db-owners"), "chat"),
        "ticket OPS-12", Instant.now())));
    events.add(SessionEvents.completed(s, third, "DELETE 1", 3, null));
    String fourth = SessionEvents.statementId(s, 4);
    events.add(SessionEvents.decided(s, fourth, new JudgedStatement("SELECT * FROM missing_table",
        "select * from missing_table", Set.of(StatementKind.SELECT), List.of("public.missing_table"), List.of(),
        new Decision.Allow("agents-read", "read-public", "allowed"), null), "simple"));
    events.add(SessionEvents.completed(s, fourth, null, null, 2,
        new StatementError("42P01", "relation \"missing_table\" does not exist")));
    return events;
  }

  /** A hold-mode request of the {@code writes-need-review} rule, as the gateway files it. */
  public static ApprovalRequest approvalRequest(SessionInfo s, String statementId, String text,
      List<String> parameters) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    return new ApprovalRequest(EventIds.next(), s, statementId, text, "delete from orders where id = ?", parameters,
        StatementDigest.of(text, parameters), List.of("delete"), List.of("public.orders"), "agents-read",
        "writes-need-review", "delete needs approval", List.of("db-owners"), now, now.plusSeconds(300),
        ApprovalRequest.Mode.HOLD, 900);
  }
}
