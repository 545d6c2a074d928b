package dev.portcullis.policy;

import java.util.Locale;

/** The statement kinds a rule can list (design-notes §3). The YAML name is the lower-case enum name. */
public enum StatementKind {
  SELECT, INSERT, UPDATE, DELETE, MERGE, DDL, DCL, COPY, CALL, SET, SHOW, TRANSACTION, EXPLAIN, PREPARE, UTILITY;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static StatementKind fromYaml(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
