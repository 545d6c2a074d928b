package dev.portcullis.admin;

import dev.portcullis.identity.Identity;
import dev.portcullis.ssh.AgentPublicKey;
import dev.portcullis.ssh.SshUserCa;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /ssh/certificates} (design-notes §2): an agent, authenticated with its own OIDC token (the agents'
 * audience, not the approvers'), sends {@code {"publicKey": "ssh-ed25519 AAAA…", "target": optional}} and gets a
 * short-lived OpenSSH user certificate for that key. The body is read strictly, like {@link DecisionBody}.
 */
final class SshCertificateEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(SshCertificateEndpoint.class);

  private final SshCertificates config;
  private final Clock clock;

  SshCertificateEndpoint(SshCertificates config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  AdminResponse issue(Identity caller, Buffer body) {
    JsonObject json = object(body);
    for (String field : json.fieldNames()) {
      if (!field.equals("publicKey") && !field.equals("target")) {
        throw new ErrorReply(400, "unknown field in the body (expected 'publicKey' and optionally 'target')");
      }
    }
    PublicKey key;
    try {
      key = AgentPublicKey.parse(string(json, "publicKey"));
    } catch (IllegalArgumentException e) {
      throw new ErrorReply(400, e.getMessage());
    }
    String target = string(json, "target");
    if (target != null && !config.targets().contains(target)) {
      throw new ErrorReply(400, "no SSH target named '" + printable(target) + "'");
    }
    Instant now = clock.instant();
    SshUserCa.Issued issued;
    try {
      issued = config.ca().issue(caller, key, target, now);
    } catch (IllegalArgumentException e) {
      throw new ErrorReply(401, "token refused: " + e.getMessage());
    }
    // The issuance is the audit record of this route: who, which key (by fingerprint only), until when.
    LOG.info("ssh: issued certificate serial {} to '{}' for key {} (target {}), valid until {}",
        Long.toUnsignedString(issued.certificate().getSerial()), caller.subject(), KeyUtils.getFingerPrint(key),
        target == null ? "any" : target, issued.validBefore());
    JsonObject out = new JsonObject()
        .put("certificate", issued.line())
        .put("keyId", issued.certificate().getId())
        .put("serial", Long.toUnsignedString(issued.certificate().getSerial()))
        .put("principal", caller.subject())
        .put("validAfter", issued.validAfter().toString())
        .put("validBefore", issued.validBefore().toString())
        .put("sshPort", config.sshPort());
    if (target != null) {
      out.put("target", target);
    }
    return AdminResponse.json(200, out);
  }

  private static JsonObject object(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new ErrorReply(400, "the body must be a JSON object such as {\"publicKey\": \"ssh-ed25519 AAAA…\"}");
    }
    try {
      return new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new ErrorReply(400, "the body must be a JSON object such as {\"publicKey\": \"ssh-ed25519 AAAA…\"}");
    }
  }

  private static String string(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new ErrorReply(400, "'" + field + "' must be a string");
    }
    return (String) value;
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints().limit(100).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.toString();
  }
}
