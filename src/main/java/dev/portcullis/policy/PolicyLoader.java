package dev.portcullis.policy;

import dev.portcullis.config.YamlDocument;
import dev.portcullis.config.YamlException;
import dev.portcullis.config.YamlMap;
import dev.portcullis.masking.Classifier;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Reads every {@code *.yaml} file of the policies directory (sorted by name, so load order is stable) strictly:
 * an unknown key, a wrong type, an unknown statement kind, action, strategy or classifier, an unqualified table or
 * column glob, or a policy name used twice (across files too) is a {@link YamlException} naming file, line and
 * column. No values are
 * interpolated: policies are data, not templates.
 */
public final class PolicyLoader {
  private static final Set<String> TOP = YamlMap.allowed("policies");
  private static final Set<String> POLICY = YamlMap.allowed("name", "subjects", "targets", "rules", "masking",
      "audit");
  private static final Set<String> SUBJECTS = YamlMap.allowed("groups", "users");
  private static final Set<String> RULE = YamlMap.allowed("name", "action", "statements", "tables", "functions",
      "approvers", "approval");
  private static final Set<String> APPROVAL = YamlMap.allowed("mode", "timeout", "grantTtl");
  private static final Set<String> MASKING = YamlMap.allowed("name", "columns", "names", "classifiers",
      "strategy");
  private static final Set<String> STRATEGIES = YamlMap.allowed("redact", "partial", "hash", "null");

  private PolicyLoader() {}

  /** Every policy of every {@code *.yaml} in {@code dir}. An empty directory is an empty list (all refused). */
  public static List<Policy> loadDirectory(Path dir) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.yaml")) {
      stream.forEach(files::add);
    } catch (IOException e) {
      throw new YamlException(dir + ": cannot read policies directory: " + e.getMessage(), e);
    }
    files.sort(null);
    List<Policy> all = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (Path file : files) {
      for (Policy p : load(YamlDocument.read(file, UnaryOperator.identity()))) {
        String earlier = seen.putIfAbsent(p.name(), p.source());
        if (earlier != null) {
          throw new YamlException(p.source() + ": duplicate policy name '" + p.name() + "' (first defined at "
              + earlier + ")");
        }
        all.add(p);
      }
    }
    return all;
  }

  /** The policies of one file (also used by tests with in-memory text). */
  public static List<Policy> load(YamlDocument doc) {
    YamlMap top = doc.root("policy file", TOP);
    List<Policy> out = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (YamlMap p : top.maps("policies", "policy", POLICY)) {
      Policy policy = policy(p);
      if (!names.add(policy.name())) {
        throw p.error("name", "duplicate policy name '" + policy.name() + "'");
      }
      out.add(policy);
    }
    return out;
  }

  private static Policy policy(YamlMap p) {
    String name = p.string("name");
    YamlMap subjects = p.map("subjects", "subjects of policy '" + name + "'", SUBJECTS);
    List<String> groups = subjects.strings("groups");
    List<String> users = subjects.strings("users");
    if (groups.isEmpty() && users.isEmpty()) {
      throw subjects.error("groups", "policy '" + name + "' has no subjects (give groups and/or users)");
    }
    List<String> targets = p.strings("targets");
    if (targets.isEmpty()) {
      throw p.error("targets", "policy '" + name + "' lists no targets");
    }
    List<Policy.Rule> rules = new ArrayList<>();
    Set<String> ruleNames = new java.util.HashSet<>();
    for (YamlMap r : p.maps("rules", "rule", RULE)) {
      Policy.Rule rule = rule(r);
      if (!ruleNames.add(rule.name())) {
        throw r.error("name", "duplicate rule name '" + rule.name() + "' in policy '" + name + "'");
      }
      rules.add(rule);
    }
    List<Policy.Masking> masking = new ArrayList<>();
    Set<String> maskingNames = new java.util.HashSet<>();
    for (YamlMap m : p.maps("masking", "masking entry", MASKING)) {
      Policy.Masking entry = masking(m, name, masking.size() + 1);
      if (!maskingNames.add(entry.name())) {
        throw m.error("name", "duplicate masking entry name '" + entry.name() + "' in policy '" + name + "'");
      }
      masking.add(entry);
    }
    YamlMap audit = p.optionalMap("audit", "audit", Set.of("literals"));
    boolean redact = audit != null && audit.oneOf("literals", Set.of("keep", "redact"), "keep").equals("redact");
    return new Policy(name, Set.copyOf(groups), Set.copyOf(users), Set.copyOf(targets), rules, masking, redact,
        p.at());
  }

  private static Policy.Masking masking(YamlMap m, String policy, int index) {
    String name = m.string("name", policy + "#" + index);
    List<String> columns = new ArrayList<>();
    for (String c : m.strings("columns")) {
      String qualified = qualified(c);
      if (qualified == null) {
        throw m.error("columns", "masking entry '" + name + "': column glob '" + c
            + "' must be [schema.][table.]column with no empty part (e.g. *.*.card_number)");
      }
      columns.add(qualified);
    }
    List<String> names = m.strings("names");
    Set<Classifier> classifiers = EnumSet.noneOf(Classifier.class);
    for (String c : m.strings("classifiers")) {
      try {
        classifiers.add(Classifier.byName(c));
      } catch (IllegalArgumentException e) {
        throw m.error("classifiers", "masking entry '" + name + "': " + e.getMessage());
      }
    }
    if (columns.isEmpty() && names.isEmpty() && classifiers.isEmpty()) {
      throw new YamlException(m.at() + ": masking entry '" + name
          + "' selects nothing (give columns, names and/or classifiers)");
    }
    return new Policy.Masking(name, columns, names, classifiers, m.oneOf("strategy", STRATEGIES, null));
  }

  /**
   * Source columns are always named schema.table.column, so a shorter glob is completed from the left with
   * {@code *}: {@code card_number} and {@code *.card_number} (design-notes §3) mean {@code *.*.card_number},
   * {@code customers.email} means {@code *.customers.email}. {@code null} for an empty part or more than three.
   */
  private static String qualified(String glob) {
    String[] parts = glob.split("\\.", -1);
    if (parts.length > 3 || java.util.Arrays.asList(parts).contains("")) {
      return null;
    }
    return parts.length == 3 ? glob : (parts.length == 2 ? "*." : "*.*.") + glob;
  }

  private static Policy.Rule rule(YamlMap r) {
    String name = r.string("name");
    Policy.Action action = Policy.Action.valueOf(
        r.oneOf("action", Set.of("allow", "deny", "review"), null).toUpperCase(Locale.ROOT));
    List<String> kindNames = r.strings("statements");
    if (kindNames.isEmpty()) {
      // a rule without kinds would either match nothing (useless) or everything (surprising): make it explicit
      throw r.error("statements", "rule '" + name + "' lists no statements (kinds)");
    }
    Set<StatementKind> kinds = new LinkedHashSet<>();
    Set<String> known = new TreeSet<>();
    for (StatementKind k : StatementKind.values()) {
      known.add(k.yamlName());
    }
    for (String k : kindNames) {
      if (!known.contains(k)) {
        throw r.error("statements", "rule '" + name + "': unknown statement kind '" + k + "' (expected: "
            + String.join(", ", kindOrder()) + ")");
      }
      kinds.add(StatementKind.fromYaml(k));
    }
    List<TableGlob> tables = new ArrayList<>();
    for (String t : r.strings("tables")) {
      if (t.indexOf('.') < 0) {
        throw r.error("tables", "rule '" + name + "': table glob '" + t
            + "' must be schema-qualified (e.g. public." + t + " or *." + t + ")");
      }
      tables.add(new TableGlob(t));
    }
    Set<String> functions = new LinkedHashSet<>();
    for (String f : r.strings("functions")) {
      functions.add(f.toLowerCase(Locale.ROOT));
    }
    if (!functions.isEmpty() && action != Policy.Action.ALLOW) {
      throw r.error("functions", "rule '" + name + "': functions can only be listed on allow rules");
    }
    List<String> approvers = List.of();
    if (r.has("approvers")) {
      if (action != Policy.Action.REVIEW) {
        throw r.error("approvers", "rule '" + name + "': approvers belong to review rules only");
      }
      approvers = r.map("approvers", "approvers", Set.of("groups")).strings("groups");
    }
    Policy.ApprovalTerms terms = Policy.ApprovalTerms.DEFAULT;
    if (r.has("approval")) {
      if (action != Policy.Action.REVIEW) {
        throw r.error("approval", "rule '" + name + "': approval terms belong to review rules only");
      }
      terms = approvalTerms(r.map("approval", "approval", APPROVAL), name);
    }
    return new Policy.Rule(name, action, kinds, tables, functions, approvers, terms);
  }

  private static Policy.ApprovalTerms approvalTerms(YamlMap a, String rule) {
    Policy.ApprovalTerms d = Policy.ApprovalTerms.DEFAULT;
    boolean retry = "retry".equals(a.oneOf("mode", Set.of("hold", "retry"), "hold"));
    java.time.Duration timeout = a.duration("timeout", d.timeout());
    if (timeout.isZero() || timeout.compareTo(Policy.ApprovalTerms.LONGEST_TIMEOUT) > 0) {
      throw a.error("timeout", "rule '" + rule + "': approval timeout must be more than 0 and at most 24h");
    }
    java.time.Duration ttl = a.duration("grantTtl", d.grantTtl());
    if (a.has("grantTtl") && !retry) {
      throw a.error("grantTtl", "rule '" + rule + "': grantTtl applies to mode: retry only");
    }
    if (ttl.isZero() || ttl.compareTo(Policy.ApprovalTerms.LONGEST_TIMEOUT) > 0) {
      throw a.error("grantTtl", "rule '" + rule + "': grantTtl must be more than 0 and at most 24h");
    }
    return new Policy.ApprovalTerms(retry, timeout, ttl);
  }

  private static List<String> kindOrder() {
    List<String> out = new ArrayList<>();
    for (StatementKind k : StatementKind.values()) {
      out.add(k.yamlName());
    }
    return out;
  }
}
