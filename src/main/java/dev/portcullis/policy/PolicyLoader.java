package dev.portcullis.policy;

import dev.portcullis.config.YamlDocument;
import dev.portcullis.config.YamlException;
import dev.portcullis.config.YamlMap;
import dev.portcullis.masking.Classifier;
import dev.portcullis.ssh.command.CommandGlob;
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
      "approvers", "approval", "commands");
  private static final Set<String> APPROVAL = YamlMap.allowed("mode", "timeout", "grantTtl");
  private static final Set<String> MASKING = YamlMap.allowed("name", "columns", "names", "classifiers",
      "strategy");
  /** Longer commands globs are refused: no real rule needs one, and matching costs grow with the length. */
  static final int MAX_COMMAND_GLOB = 1024;
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
    Set<SshAction> sshActions = EnumSet.noneOf(SshAction.class);
    Set<String> known = new TreeSet<>();
    for (StatementKind k : StatementKind.values()) {
      known.add(k.yamlName());
    }
    for (String k : kindNames) {
      if (known.contains(k)) {
        kinds.add(StatementKind.fromYaml(k));
      } else if (SshAction.fromYaml(k) != null) {
        sshActions.add(SshAction.fromYaml(k));
      } else {
        throw r.error("statements", "rule '" + name + "': unknown statement kind '" + k + "' (expected: "
            + String.join(", ", kindOrder()) + "; for SSH: " + String.join(", ", sshKindOrder()) + ")");
      }
    }
    if (!sshActions.isEmpty()) {
      if (!kinds.isEmpty()) {
        throw r.error("statements", "rule '" + name + "' mixes SQL statement kinds and SSH kinds; write a rule for "
            + "each");
      }
      return sshRule(r, name, action, sshActions);
    }
    if (r.keys().contains("commands")) {
      throw r.error("commands", "rule '" + name + "': commands apply to SSH kinds (exec, subsystem, port-forward),"
          + " not to SQL statement kinds (use tables)");
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
    return new Policy.Rule(name, action, kinds, tables, functions, approvers(r, name, action),
        terms(r, name, action));
  }

  /**
   * A rule of SSH kinds: {@code tables}/{@code functions} are refused, and so are {@code commands} that would
   * read ambiguously — on a kind without a detail (shell, agent-forward, x11: listing them beside commands would
   * look restricted and be wide open) or on several kinds at once (an exec glob is not a {@code host:port} glob).
   */
  private static Policy.Rule sshRule(YamlMap r, String name, Policy.Action action, Set<SshAction> actions) {
    for (String key : List.of("tables", "functions")) {
      if (r.keys().contains(key)) {
        throw r.error(key, "rule '" + name + "': " + key + " apply to SQL statement kinds, not to SSH kinds "
            + "(use commands)");
      }
    }
    List<CommandGlob> commands = new ArrayList<>();
    if (r.keys().contains("commands")) {
      List<String> globs = r.strings("commands");
      if (globs.isEmpty()) {
        throw r.error("commands", "rule '" + name + "' lists no commands (leave commands out to match any)");
      }
      List<String> bare = new ArrayList<>();
      for (SshAction a : actions) {
        if (!a.hasDetail()) {
          bare.add(a.yamlName());
        }
      }
      if (!bare.isEmpty()) {
        throw r.error("commands", "rule '" + name + "': commands cannot restrict " + String.join(", ", bare)
            + " (no command to match); list it in a rule without commands");
      }
      if (actions.size() > 1) {
        throw r.error("commands", "rule '" + name + "': a rule with commands lists exactly one of exec, subsystem,"
            + " port-forward (their globs match different things)");
      }
      for (String g : globs) {
        String problem = commandGlobProblem(g);
        if (problem != null) {
          throw r.error("commands", "rule '" + name + "': commands glob '" + g + "' " + problem);
        }
        commands.add(new CommandGlob(g));
      }
    }
    return Policy.Rule.ssh(name, action, actions, commands, approvers(r, name, action), terms(r, name, action));
  }

  /**
   * Parts are matched with their words joined by single spaces, so a glob with a leading, trailing or doubled
   * space would match nothing — and a deny rule built on it would silently protect nothing.
   */
  private static String commandGlobProblem(String glob) {
    if (glob.isBlank()) {
      return "is empty";
    }
    if (glob.length() > MAX_COMMAND_GLOB) {
      return "is longer than " + MAX_COMMAND_GLOB + " characters";
    }
    if (glob.startsWith(" ") || glob.endsWith(" ") || glob.contains("  ")) {
      return "has a leading, trailing or doubled space (commands are matched with single spaces between words)";
    }
    for (int i = 0; i < glob.length(); i++) {
      if (Character.getType(glob.charAt(i)) == Character.CONTROL) {
        return "contains a control character (tabs and newlines never appear between words)";
      }
    }
    return null;
  }

  private static List<String> approvers(YamlMap r, String name, Policy.Action action) {
    if (!r.has("approvers")) {
      return List.of();
    }
    if (action != Policy.Action.REVIEW) {
      throw r.error("approvers", "rule '" + name + "': approvers belong to review rules only");
    }
    return r.map("approvers", "approvers", Set.of("groups")).strings("groups");
  }

  private static Policy.ApprovalTerms terms(YamlMap r, String name, Policy.Action action) {
    if (!r.has("approval")) {
      return Policy.ApprovalTerms.DEFAULT;
    }
    if (action != Policy.Action.REVIEW) {
      throw r.error("approval", "rule '" + name + "': approval terms belong to review rules only");
    }
    return approvalTerms(r.map("approval", "approval", APPROVAL), name);
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

  private static List<String> sshKindOrder() {
    List<String> out = new ArrayList<>();
    for (SshAction a : SshAction.values()) {
      out.add(a.yamlName());
    }
    return out;
  }

  private static List<String> kindOrder() {
    List<String> out = new ArrayList<>();
    for (StatementKind k : StatementKind.values()) {
      out.add(k.yamlName());
    }
    return out;
  }
}
