package dev.portcullis.pg;

import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.Judgement;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a session remembers about its statements: SQL-level prepared statements (name → text, sent with every
 * JudgeRequest so that {@code EXECUTE name} is judged as what it runs) and the judgement of each named
 * protocol-level statement (a re-Parse of the same name and text is not judged again).
 */
final class SessionStatements {
  /** {@code DEALLOCATE [PREPARE] name | ALL}; the name may be double-quoted. */
  private static final Pattern DEALLOCATE = Pattern.compile(
      "^\\s*deallocate\\s+(?:prepare\\s+)?(?:(all)\\b|\"((?:[^\"]|\"\")+)\"|([\\p{L}_][\\p{L}\\p{N}_$]*))",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  private record Parsed(String sql, Judgement judgement) {}

  private final Map<String, String> prepared = new HashMap<>();
  private final Map<String, Parsed> parsed = new HashMap<>();

  Map<String, String> prepared() {
    return prepared;
  }

  /** Applies the PREPARE / DEALLOCATE statements of a message that was allowed to run. */
  void remember(Judgement judgement) {
    for (JudgedStatement s : judgement.statements()) {
      if (s.preparedName() != null) {
        prepared.put(s.preparedName(), s.text());
        continue;
      }
      Matcher m = DEALLOCATE.matcher(s.text());
      if (m.find()) {
        if (m.group(1) != null) {
          prepared.clear();
        } else if (m.group(2) != null) {
          prepared.remove(m.group(2).replace("\"\"", "\""));
        } else {
          prepared.remove(m.group(3).toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
  }

  void parsed(String name, String sql, Judgement judgement) {
    if (!name.isEmpty()) {
      parsed.put(name, new Parsed(sql, judgement));
    }
  }

  /** The judgement of a named statement parsed before with the same text, else {@code null}. */
  Judgement parsedJudgement(String name, String sql) {
    if (name.isEmpty()) {
      return null;
    }
    Parsed p = parsed.get(name);
    return p != null && p.sql().equals(sql) ? p.judgement() : null;
  }

  void forgetParsed(String name) {
    parsed.remove(name);
  }
}
