package dev.portcullis.forward;

import dev.portcullis.config.Secret;
import dev.portcullis.config.TargetConfig;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The startup conversation with a backend, as a state machine without I/O: feed it the backend's messages, do what
 * each {@link Step} says. Authenticates (trust, cleartext, md5, SCRAM-SHA-256), collects ParameterStatus and
 * BackendKeyData, checks the pinned settings, then (unless the target allows it) checks that the role is not
 * privileged. Every failure is an {@link UpstreamException} whose message never holds the credential.
 */
public final class BackendHandshake {
  /** Client startup parameters that may reach the backend (design-notes §5); client_encoding is forced. */
  public static final Set<String> PASSABLE_PARAMETERS =
      Set.of("application_name", "datestyle", "timezone", "intervalstyle", "extra_float_digits");
  /** The backend's search_path is pinned so that names resolve as the policy engine assumes (design-notes §3). */
  public static final String SEARCH_PATH = "\"$user\", public";

  /**
   * True when the session role is, or can become (transitively), a superuser, a BYPASSRLS role, or one of the
   * predefined roles that read/write server files or run server programs (each as strong as superuser).
   */
  static final String PRIVILEGE_QUERY = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r"
      + " WHERE (r.rolsuper OR r.rolbypassrls OR r.rolname IN"
      + " ('pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files'))"
      + " AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'))";

  /** What the caller must do after a message. */
  public sealed interface Step {
    /** Write these bytes to the backend. */
    record Send(Buffer bytes) implements Step {}
    /** Compute the bytes off the event loop (SCRAM's PBKDF2), then write them. */
    record Derive(Supplier<Buffer> bytes) implements Step {}
    /** Wait for more messages. */
    record Await() implements Step {}
    /** The session is authenticated, checked and idle. */
    record Ready() implements Step {}
  }

  private enum State { AUTHENTICATING, STARTING, CHECKING_PRIVILEGE, READY }

  private static final Step AWAIT = new Step.Await();

  private final String username;
  private final Secret password;
  private final boolean checkPrivilege;
  private final Map<String, String> parameterStatus = new LinkedHashMap<>();
  private State state = State.AUTHENTICATING;
  private ScramSha256Client scram;
  private boolean scramVerified;
  private int processId;
  private int secretKey;
  private String privileged;

  public BackendHandshake(TargetConfig target) {
    this.username = target.username();
    this.password = target.password();
    this.checkPrivilege = !target.allowPrivilegedBackend();
  }

  /**
   * The StartupMessage parameters: the target's own user and database, the passable client parameters,
   * {@code client_encoding=UTF8} and the pinned search_path.
   */
  public static Map<String, String> startupParameters(TargetConfig target, Map<String, String> clientParameters) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("user", target.username());
    parameters.put("database", target.database());
    clientParameters.forEach((name, value) -> {
      if (PASSABLE_PARAMETERS.contains(name.toLowerCase(Locale.ROOT)) && value.indexOf('\0') < 0) {
        parameters.put(name, value);
      }
    });
    parameters.put("client_encoding", "UTF8");
    parameters.put("options", "-c " + FrontendMessages.escapeOption("search_path=" + SEARCH_PATH));
    return parameters;
  }

  public Step onMessage(BackendMessage message) {
    if (message.type() == BackendMessage.ERROR_RESPONSE) {
      throw backendError(message.fields());
    }
    if (message.type() == BackendMessage.NOTICE_RESPONSE
        || message.type() == BackendMessage.NEGOTIATE_PROTOCOL_VERSION) {
      return AWAIT;
    }
    return switch (state) {
      case AUTHENTICATING -> authenticate(message);
      case STARTING -> starting(message);
      case CHECKING_PRIVILEGE -> checkingPrivilege(message);
      case READY -> throw new UpstreamException(UpstreamFailure.OTHER, "the target sent data before any query");
    };
  }

  public Map<String, String> parameterStatus() {
    return Map.copyOf(parameterStatus);
  }

  public int processId() {
    return processId;
  }

  public int secretKey() {
    return secretKey;
  }

  private Step authenticate(BackendMessage message) {
    if (message.type() != BackendMessage.AUTHENTICATION) {
      throw unexpected(message);
    }
    Buffer body = message.body();
    int code = body.getInt(0);
    switch (code) {
      case 0 -> {
        if (scram != null && !scramVerified) {
          throw new UpstreamException(UpstreamFailure.BACKEND_AUTH_FAILED,
              "the target skipped the SCRAM server proof");
        }
        state = State.STARTING;
        return AWAIT;
      }
      case 3 -> {
        return new Step.Send(FrontendMessages.password(requirePassword()));
      }
      case 5 -> {
        byte[] salt = body.getBytes(4, 8);
        return new Step.Send(FrontendMessages.password(md5Password(requirePassword(), username, salt)));
      }
      case 10 -> {
        List<String> mechanisms = new ArrayList<>();
        for (int pos = 4; pos < body.length() && body.getByte(pos) != 0; ) {
          String mechanism = BackendMessage.cString(body, pos);
          mechanisms.add(mechanism);
          pos += mechanism.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        // We do not do channel binding, so the plain mechanism is chosen whenever it is offered.
        if (!mechanisms.contains(ScramSha256Client.MECHANISM)) {
          throw new UpstreamException(UpstreamFailure.OTHER,
              "the target offers no supported SASL mechanism " + mechanisms);
        }
        scram = new ScramSha256Client(requirePassword());
        byte[] first = scram.clientFirstMessage().getBytes(StandardCharsets.UTF_8);
        return new Step.Send(FrontendMessages.saslInitialResponse(ScramSha256Client.MECHANISM, first));
      }
      case 11 -> {
        ScramSha256Client exchange = requireScram();
        String serverFirst = body.getString(4, body.length(), StandardCharsets.UTF_8.name());
        return new Step.Derive(() -> FrontendMessages.saslResponse(
            exchange.clientFinalMessage(serverFirst).getBytes(StandardCharsets.UTF_8)));
      }
      case 12 -> {
        requireScram().verifyServerFinal(body.getString(4, body.length(), StandardCharsets.UTF_8.name()));
        scramVerified = true;
        return AWAIT;
      }
      default -> throw new UpstreamException(UpstreamFailure.OTHER,
          "the target asks for an unsupported authentication method (code " + code + ")");
    }
  }

  private Step starting(BackendMessage message) {
    switch (message.type()) {
      case BackendMessage.PARAMETER_STATUS -> {
        recordParameter(message.body());
        return AWAIT;
      }
      case BackendMessage.BACKEND_KEY_DATA -> {
        processId = message.body().getInt(0);
        secretKey = message.body().getInt(4);
        return AWAIT;
      }
      case BackendMessage.READY_FOR_QUERY -> {
        // Lexing depends on these two; a backend that does not honour them would let quotes be smuggled.
        if (!"UTF8".equalsIgnoreCase(parameterStatus.get("client_encoding"))) {
          throw new UpstreamException(UpstreamFailure.OTHER, "the target did not accept client_encoding UTF8");
        }
        if (!"on".equalsIgnoreCase(parameterStatus.get("standard_conforming_strings"))) {
          throw new UpstreamException(UpstreamFailure.OTHER, "the target has standard_conforming_strings off");
        }
        if (!checkPrivilege) {
          state = State.READY;
          return new Step.Ready();
        }
        state = State.CHECKING_PRIVILEGE;
        return new Step.Send(FrontendMessages.query(PRIVILEGE_QUERY));
      }
      default -> throw unexpected(message);
    }
  }

  private Step checkingPrivilege(BackendMessage message) {
    switch (message.type()) {
      case BackendMessage.DATA_ROW -> {
        Buffer row = message.body();
        if (row.getShort(0) != 1 || row.getInt(2) != 1) {
          throw new UpstreamException(UpstreamFailure.OTHER, "the privilege check returned an unexpected row");
        }
        privileged = row.getString(6, 7, StandardCharsets.US_ASCII.name());
        return AWAIT;
      }
      case BackendMessage.ROW_DESCRIPTION, BackendMessage.COMMAND_COMPLETE -> {
        return AWAIT;
      }
      case BackendMessage.PARAMETER_STATUS -> {
        recordParameter(message.body());
        return AWAIT;
      }
      case BackendMessage.READY_FOR_QUERY -> {
        if ("f".equals(privileged)) {
          state = State.READY;
          return new Step.Ready();
        }
        if ("t".equals(privileged)) {
          throw new UpstreamException(UpstreamFailure.PRIVILEGED_BACKEND, "the gateway's backend role is a superuser,"
              + " BYPASSRLS, or a member of such a role; refused (allowPrivilegedBackend is off)");
        }
        throw new UpstreamException(UpstreamFailure.OTHER, "the privilege check returned no answer");
      }
      default -> throw unexpected(message);
    }
  }

  private void recordParameter(Buffer body) {
    String name = BackendMessage.cString(body, 0);
    String value = BackendMessage.cString(body, name.getBytes(StandardCharsets.UTF_8).length + 1);
    parameterStatus.put(name, value);
  }

  private String requirePassword() {
    if (password == null || password.reveal().isEmpty()) {
      throw new UpstreamException(UpstreamFailure.BACKEND_AUTH_FAILED,
          "the target asks for a password but none is configured");
    }
    return password.reveal();
  }

  private ScramSha256Client requireScram() {
    if (scram == null) {
      throw new UpstreamException(UpstreamFailure.OTHER, "the target continued a SASL exchange that never started");
    }
    return scram;
  }

  private UpstreamException unexpected(BackendMessage message) {
    return new UpstreamException(UpstreamFailure.OTHER,
        "the target sent an unexpected message '" + (char) message.type() + "' during startup");
  }

  /** Maps a backend ErrorResponse; only the SQLSTATE is echoed (the text may name internal roles). */
  static UpstreamException backendError(Map<Character, String> fields) {
    String code = fields.getOrDefault('C', "XX000");
    return switch (code) {
      case "28P01", "28000" -> new UpstreamException(UpstreamFailure.BACKEND_AUTH_FAILED,
          "the target rejected the gateway's own credential (SQLSTATE " + code + ")");
      case "57P03" -> new UpstreamException(UpstreamFailure.UNREACHABLE,
          "the target is not accepting connections now (SQLSTATE " + code + ")");
      case "53300" -> new UpstreamException(UpstreamFailure.OTHER,
          "the target has too many connections (SQLSTATE " + code + ")");
      case "3D000" -> new UpstreamException(UpstreamFailure.OTHER,
          "the target's database does not exist (SQLSTATE " + code + ")");
      default -> new UpstreamException(UpstreamFailure.OTHER,
          "the target refused the session (SQLSTATE " + code + ")");
    };
  }

  /** PostgreSQL's md5 response: "md5" + md5hex(md5hex(password + user) + salt). */
  static String md5Password(String password, String user, byte[] salt) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      String inner = HexFormat.of().formatHex(md5.digest((password + user).getBytes(StandardCharsets.UTF_8)));
      md5.update(inner.getBytes(StandardCharsets.US_ASCII));
      md5.update(salt);
      return "md5" + HexFormat.of().formatHex(md5.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 unavailable", e);
    }
  }
}
