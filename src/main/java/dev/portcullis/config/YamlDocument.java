package dev.portcullis.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One YAML file composed into SnakeYAML's node tree (which keeps line and column of every node), the entry point of
 * strict reading: {@link #root(String, java.util.Set)} gives a {@link YamlMap} that rejects unknown keys.
 *
 * <p>We compose instead of loading into maps because a map has forgotten where its keys were, and because a plain
 * load would silently keep the last of two duplicate keys.
 */
public final class YamlDocument {
  private final String source;
  private final Node root;
  private final UnaryOperator<String> scalars;

  private YamlDocument(String source, Node root, UnaryOperator<String> scalars) {
    this.source = source;
    this.root = root;
    this.scalars = scalars;
  }

  /**
   * @param source  the name used in messages (usually the path as the operator gave it)
   * @param scalars applied to every scalar read as text (config: {@code ${ENV}} interpolation; policies: identity)
   */
  public static YamlDocument parse(String source, Reader text, UnaryOperator<String> scalars) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(20);
    options.setCodePointLimit(4 * 1024 * 1024);
    Yaml yaml = new Yaml(new SafeConstructor(options));
    try {
      Node node = yaml.compose(text);
      return new YamlDocument(source, node, scalars);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where = mark == null ? source : place(source, mark);
      throw new YamlException(where + ": invalid YAML: " + e.getProblem(), e);
    } catch (RuntimeException e) {
      throw new YamlException(source + ": invalid YAML: " + e.getMessage(), e);
    }
  }

  public static YamlDocument read(Path file, UnaryOperator<String> scalars) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(file.toString(), reader, scalars);
    } catch (IOException e) {
      throw new YamlException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  public static YamlDocument parse(String source, String text) {
    return parse(source, new StringReader(text), UnaryOperator.identity());
  }

  /** The top-level mapping; an empty file is an error because every file we read has required content. */
  public YamlMap root(String what, java.util.Set<String> keys) {
    if (root == null) {
      throw new YamlException(source + ": empty file (expected " + what + ")");
    }
    return YamlMap.of(this, root, what, keys);
  }

  public String source() {
    return source;
  }

  UnaryOperator<String> scalars() {
    return scalars;
  }

  static String place(String source, Mark mark) {
    return source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }

  /** {@code file:line:col} of a node. */
  public String at(Node node) {
    return place(source, node.getStartMark());
  }
}
