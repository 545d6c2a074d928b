package dev.portcullis.policy;

import dev.portcullis.identity.Identity;
import java.util.Map;

/**
 * What the termination side asks the policy verticle (event-bus address {@code portcullis.policy.judge}).
 *
 * @param sessionId  for logs and events
 * @param identity   the validated identity
 * @param target     the target name the client asked for
 * @param sql        the full SQL text of one Query or Parse message
 * @param prepared   the session's SQL-level prepared statements (name → statement text), so that
 *                   {@code EXECUTE name} is judged as the statement it runs
 */
public record JudgeRequest(
    String sessionId, Identity identity, String target, String sql, Map<String, String> prepared) {
  public JudgeRequest {
    prepared = Map.copyOf(prepared);
  }
}
