package dev.portcullis.pg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides which of a client's startup parameters reach the backend (design-notes §5). The backend session always
 * uses the target's own user and database; only harmless session settings pass.
 *
 * @param user        the client's user name (informational: identity comes from the token)
 * @param target      the {@code database} parameter, which names the target
 * @param passed      the parameters that may reach the backend
 * @param unsupported {@code _pq_.*} protocol options, reported back in NegotiateProtocolVersion
 */
record StartupParameters(String user, String target, Map<String, String> passed, List<String> unsupported) {
  /** Parameters a client may set, matched case-insensitively (PostgreSQL GUC names are). */
  static final Set<String> PASSED = Set.of(
      "application_name", "client_encoding", "datestyle", "timezone", "intervalstyle", "extra_float_digits");
  /** Parameters that change who or how the session runs: refused loudly rather than dropped. */
  static final Set<String> REFUSED = Set.of("options", "replication");

  static StartupParameters filter(Map<String, String> sent) {
    String user = sent.get("user");
    if (user == null || user.isEmpty()) {
      throw ErrorReplies.missingStartupParameter("user");
    }
    String database = sent.get("database");
    if (database == null || database.isEmpty()) {
      throw ErrorReplies.missingStartupParameter("database");
    }
    Map<String, String> passed = new LinkedHashMap<>();
    List<String> unsupported = new ArrayList<>();
    for (Map.Entry<String, String> e : sent.entrySet()) {
      String name = e.getKey();
      String lower = name.toLowerCase(Locale.ROOT);
      if (REFUSED.contains(lower)) {
        throw ErrorReplies.parameterNotAllowed(name);
      }
      if (name.startsWith("_pq_.")) {
        unsupported.add(name);
      } else if (PASSED.contains(lower)) {
        if (lower.equals("client_encoding") && !isUtf8(e.getValue())) {
          throw ErrorReplies.encodingNotAllowed(e.getValue());
        }
        passed.put(name, e.getValue());
      }
    }
    return new StartupParameters(user, database, Map.copyOf(passed), List.copyOf(unsupported));
  }

  /** PostgreSQL accepts UTF8 spelled in any case, with or without the dash and quotes stripped by clients. */
  static boolean isUtf8(String value) {
    String v = value.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("'", "");
    return v.equals("UTF8") || v.equals("UNICODE");
  }

  String applicationName() {
    return passed.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase("application_name"))
        .map(Map.Entry::getValue).findFirst().orElse(null);
  }
}
