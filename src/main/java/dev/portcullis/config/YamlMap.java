package dev.portcullis.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping read strictly: construction rejects any key outside the allowed set and every getter rejects a
 * value of the wrong type, with {@code file:line:col} and what was expected. A typo therefore stops the load instead
 * of silently dropping a constraint (a rule whose {@code tabels:} were ignored would match every table).
 */
public final class YamlMap {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
  private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB)");

  private final YamlDocument doc;
  private final Node node;
  private final String what;
  private final Map<String, Node> values = new LinkedHashMap<>();
  private final Map<String, Node> keyNodes = new LinkedHashMap<>();

  private YamlMap(YamlDocument doc, Node node, String what) {
    this.doc = doc;
    this.node = node;
    this.what = what;
  }

  /**
   * @param keys the allowed keys, or {@code null} for a mapping whose keys are names chosen by the user
   *             (such as {@code targets:})
   */
  static YamlMap of(YamlDocument doc, Node node, String what, Set<String> keys) {
    if (!(node instanceof MappingNode mapping)) {
      throw new YamlException(doc.at(node) + ": " + what + " must be a mapping" + expectedKeys(keys)
          + ", got " + describe(node));
    }
    YamlMap map = new YamlMap(doc, node, what);
    for (NodeTuple tuple : mapping.getValue()) {
      Node key = tuple.getKeyNode();
      if (!(key instanceof ScalarNode scalar) || scalar.getValue().isEmpty()) {
        throw new YamlException(doc.at(key) + ": " + what + " keys must be plain names");
      }
      String name = scalar.getValue();
      if (keys != null && !keys.contains(name)) {
        throw new YamlException(doc.at(key) + ": unknown key '" + name + "' in " + what + expectedKeys(keys));
      }
      if (map.values.containsKey(name)) {
        throw new YamlException(doc.at(key) + ": duplicate key '" + name + "' in " + what);
      }
      map.values.put(name, tuple.getValueNode());
      map.keyNodes.put(name, key);
    }
    return map;
  }

  private static String expectedKeys(Set<String> keys) {
    return keys == null ? "" : " (expected one of: " + String.join(", ", keys) + ")";
  }

  private static String describe(Node node) {
    if (node instanceof ScalarNode s) {
      return s.getTag().equals(Tag.NULL) ? "nothing" : "'" + s.getValue() + "'";
    }
    return node instanceof SequenceNode ? "a list" : "a mapping";
  }

  public boolean has(String key) {
    Node value = values.get(key);
    return value != null && !(value instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
  }

  /** The keys present, in file order. */
  public List<String> keys() {
    return List.copyOf(values.keySet());
  }

  /** {@code file:line:col} of the key (or of the mapping when the key is absent). */
  public String at(String key) {
    Node k = keyNodes.get(key);
    return doc.at(k != null ? k : node);
  }

  /** {@code file:line:col} of the mapping itself. */
  public String at() {
    return doc.at(node);
  }

  public YamlException error(String key, String message) {
    return new YamlException(at(key) + ": " + message);
  }

  public String string(String key) {
    if (!has(key)) {
      throw new YamlException(at() + ": missing required key '" + key + "' in " + what);
    }
    return text(key, values.get(key));
  }

  public String string(String key, String otherwise) {
    return has(key) ? text(key, values.get(key)) : otherwise;
  }

  private String text(String key, Node value) {
    if (!(value instanceof ScalarNode s)) {
      throw new YamlException(doc.at(value) + ": '" + key + "' in " + what + " must be a string, got "
          + describe(value));
    }
    return scalar(value, s.getValue());
  }

  /** Applies the document's scalar transformation, placing its complaint (e.g. an unset variable) at the value. */
  private String scalar(Node value, String raw) {
    try {
      return doc.scalars().apply(raw);
    } catch (IllegalArgumentException e) {
      throw new YamlException(doc.at(value) + ": " + e.getMessage());
    }
  }

  /** An insertion-ordered key set, so messages list keys in the documented order. */
  public static Set<String> allowed(String... keys) {
    return java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(List.of(keys)));
  }

  public int integer(String key, int otherwise) {
    if (!has(key)) {
      return otherwise;
    }
    Node value = values.get(key);
    String raw = value instanceof ScalarNode s ? s.getValue() : null;
    boolean numeric = value instanceof ScalarNode s && (s.getTag().equals(Tag.INT) || raw.contains("${"));
    if (numeric) {
      try {
        return Integer.parseInt(scalar(value, raw).trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new YamlException(doc.at(value) + ": '" + key + "' in " + what + " must be an integer, got "
        + describe(value));
  }

  public boolean bool(String key, boolean otherwise) {
    if (!has(key)) {
      return otherwise;
    }
    Node value = values.get(key);
    if (value instanceof ScalarNode s) {
      String v = scalar(value, s.getValue());
      if (v.equals("true") || v.equals("false")) {
        return Boolean.parseBoolean(v);
      }
    }
    throw new YamlException(doc.at(value) + ": '" + key + "' in " + what + " must be true or false, got "
        + describe(value));
  }

  /** A duration written {@code 500ms}, {@code 10s}, {@code 5m} or {@code 1h}. */
  public Duration duration(String key, Duration otherwise) {
    if (!has(key)) {
      return otherwise;
    }
    String v = text(key, values.get(key)).trim();
    Matcher m = DURATION.matcher(v);
    if (!m.matches()) {
      throw new YamlException(doc.at(values.get(key)) + ": '" + key + "' in " + what
          + " must be a duration such as 500ms, 10s, 5m or 1h, got '" + v + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** A size written {@code 512B}, {@code 64KiB}, {@code 100MiB}, {@code 1GiB} or {@code 1TiB} (powers of 1024). */
  public long bytes(String key, long otherwise) {
    if (!has(key)) {
      return otherwise;
    }
    String v = text(key, values.get(key)).trim();
    Matcher m = BYTES.matcher(v);
    if (m.matches()) {
      int shift = switch (m.group(2)) {
        case "B" -> 0;
        case "KiB" -> 10;
        case "MiB" -> 20;
        case "GiB" -> 30;
        default -> 40;
      };
      try {
        long n = Long.parseLong(m.group(1));
        if (n <= (Long.MAX_VALUE >> shift)) {
          return n << shift;
        }
      } catch (NumberFormatException e) {
        // too many digits: reported below
      }
    }
    throw new YamlException(doc.at(values.get(key)) + ": '" + key + "' in " + what
        + " must be a size such as 512MiB or 1GiB (units B, KiB, MiB, GiB, TiB), got '" + v + "'");
  }

  /** A mapping of user-chosen names to scalar values (numbers and booleans as written); absent → empty. */
  public Map<String, String> stringMap(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!has(key)) {
      return out;
    }
    YamlMap names = of(doc, values.get(key), key, null);
    for (Map.Entry<String, Node> e : names.values.entrySet()) {
      if (!(e.getValue() instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
        throw new YamlException(doc.at(e.getValue()) + ": '" + e.getKey() + "' in " + what + "." + key
            + " must be a single value, got " + describe(e.getValue()));
      }
      out.put(e.getKey(), scalar(e.getValue(), s.getValue()));
    }
    return out;
  }

  /** {@code file:line:col} of a key inside the child mapping {@code key} (for errors about one entry). */
  public String at(String key, String childKey) {
    Node child = values.get(key);
    if (child instanceof MappingNode) {
      return of(doc, child, key, null).at(childKey);
    }
    return at(key);
  }

  /** One value of an allowed set, e.g. {@code action: allow}. */
  public String oneOf(String key, Set<String> allowed, String otherwise) {
    if (!has(key)) {
      if (otherwise == null) {
        throw new YamlException(at() + ": missing required key '" + key + "' in " + what
            + " (one of: " + String.join(", ", new TreeSet<>(allowed)) + ")");
      }
      return otherwise;
    }
    String v = text(key, values.get(key));
    if (!allowed.contains(v)) {
      throw new YamlException(doc.at(values.get(key)) + ": '" + key + "' in " + what + " must be one of: "
          + String.join(", ", new TreeSet<>(allowed)) + "; got '" + v + "'");
    }
    return v;
  }

  public YamlMap map(String key, String childWhat, Set<String> keys) {
    if (!has(key)) {
      throw new YamlException(at() + ": missing required key '" + key + "' in " + what);
    }
    return of(doc, values.get(key), childWhat, keys);
  }

  /** The child mapping, or {@code null} when the key is absent. */
  public YamlMap optionalMap(String key, String childWhat, Set<String> keys) {
    return has(key) ? of(doc, values.get(key), childWhat, keys) : null;
  }

  /** A mapping with user-chosen keys (e.g. target names): each value read as a mapping with the allowed keys. */
  public Map<String, YamlMap> namedMaps(String key, String childWhat, Set<String> keys) {
    Map<String, YamlMap> out = new LinkedHashMap<>();
    if (!has(key)) {
      return out;
    }
    YamlMap names = of(doc, values.get(key), key, null);
    for (String name : names.values.keySet()) {
      out.put(name, of(doc, names.values.get(name), childWhat + " '" + name + "'", keys));
    }
    return out;
  }

  /** A list of strings; absent → empty. A single string is refused (write {@code [x]}) to keep one spelling. */
  public List<String> strings(String key) {
    if (!has(key)) {
      return List.of();
    }
    Node value = values.get(key);
    if (!(value instanceof SequenceNode seq)) {
      throw new YamlException(doc.at(value) + ": '" + key + "' in " + what + " must be a list of strings, got "
          + describe(value));
    }
    List<String> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      if (!(item instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
        throw new YamlException(doc.at(item) + ": '" + key + "' in " + what + " must be a list of strings, got "
            + describe(item));
      }
      out.add(scalar(item, s.getValue()));
    }
    return out;
  }

  /** A list of mappings; absent → empty. */
  public List<YamlMap> maps(String key, String childWhat, Set<String> keys) {
    if (!has(key)) {
      return List.of();
    }
    Node value = values.get(key);
    if (!(value instanceof SequenceNode seq)) {
      throw new YamlException(doc.at(value) + ": '" + key + "' in " + what + " must be a list, got "
          + describe(value));
    }
    List<YamlMap> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      out.add(of(doc, item, childWhat, keys));
    }
    return out;
  }
}
