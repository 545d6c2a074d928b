package dev.portcullis.admin;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.SessionInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The admin API's JSON for approval requests and decisions. Field names follow {@code approval.requested} and
 * {@code approval.decided}, with the envelope's essentials (requester, target, session, gateway) inlined, so a
 * script written against the events reads the API too.
 */
final class ApprovalJson {
  private ApprovalJson() {}

  static JsonObject request(ApprovalRequest r) {
    SessionInfo s = r.session();
    JsonObject requester = new JsonObject()
        .put("subject", s.identity().subject())
        .put("groups", new JsonArray(s.identity().groups()))
        .put("issuer", s.identity().issuer());
    return new JsonObject()
        .put("approvalId", r.approvalId())
        .put("statementId", r.statementId())
        .put("requester", requester)
        .put("target", s.target())
        .put("protocol", s.protocol())
        .put("sessionId", s.sessionId())
        .put("gatewayId", s.gatewayId())
        .put("text", r.text())
        .put("fingerprint", r.fingerprint())
        .put("parameters", new JsonArray(r.parameters())) // null entries are SQL NULLs, kept as JSON null
        .put("digest", r.digest())
        .put("kinds", new JsonArray(r.kinds()))
        .put("tables", new JsonArray(r.tables()))
        .put("policy", r.policy())
        .put("rule", r.rule())
        .put("reason", r.reason())
        .put("approverGroups", new JsonArray(r.approverGroups()))
        .put("requestedAt", r.requestedAt() == null ? null : EventJson.formatTime(r.requestedAt()))
        .put("expiresAt", EventJson.formatTime(r.expiresAt()))
        .put("mode", r.mode().jsonName())
        .put("grantTtlSeconds", r.grantTtlSeconds());
  }

  static JsonObject decision(ApprovalDecision d) {
    JsonObject by = null;
    if (d.decidedBy() != null) {
      by = new JsonObject()
          .put("subject", d.decidedBy().subject())
          .put("groups", new JsonArray(d.decidedBy().groups()))
          .put("via", d.decidedBy().via());
    }
    return new JsonObject()
        .put("approvalId", d.approvalId())
        .put("digest", d.digest())
        .put("outcome", d.outcome().jsonName())
        .put("decidedBy", by)
        .put("reason", d.reason())
        .put("decidedAt", EventJson.formatTime(d.decidedAt()));
  }
}
