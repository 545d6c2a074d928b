package dev.portcullis.policy.sql;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Resolves relation names as PostgreSQL does with {@code search_path = "$user", public}: a qualified name stays as
 * written; an unqualified name that exists in {@code pg_catalog} is {@code pg_catalog.name} (the catalog is searched
 * first implicitly), otherwise {@code public.name}. The pg_catalog list is PostgreSQL 15's, shipped as a resource.
 */
final class RelationNames {
  /** NAMEDATALEN - 1: the server truncates longer identifiers, so we must too or two spellings of one name differ. */
  private static final int MAX_IDENTIFIER_BYTES = 63;
  private static final Set<String> PG_CATALOG = NameList.load("pg_catalog_relations.txt");

  private RelationNames() {}

  /** @param parts the name's parts, each already folded or unquoted */
  static String resolve(List<String> parts) {
    if (parts.size() == 1) {
      String name = truncate(parts.get(0));
      return (PG_CATALOG.contains(name) ? "pg_catalog." : "public.") + name;
    }
    StringBuilder out = new StringBuilder();
    for (String part : parts) {
      if (out.length() > 0) {
        out.append('.');
      }
      out.append(truncate(part));
    }
    return out.toString();
  }

  /**
   * A quoted part holding a dot ({@code "a.b"}) would print like a qualified name and confuse table globs;
   * such names are refused rather than rendered ambiguously.
   */
  static boolean ambiguous(List<String> parts) {
    for (String part : parts) {
      if (part.indexOf('.') >= 0) {
        return true;
      }
    }
    return false;
  }

  static boolean inPgCatalog(String name) {
    return PG_CATALOG.contains(name);
  }

  /** A name part as JSqlParser hands it over: {@code "Quoted"} stays exact, anything else folds to lower case. */
  static String normalizePart(String part) {
    if (part.length() >= 2 && part.charAt(0) == '"' && part.charAt(part.length() - 1) == '"') {
      return part.substring(1, part.length() - 1).replace("\"\"", "\"");
    }
    return PgLexer.foldLower(part, 0, part.length());
  }

  static String truncate(String name) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_IDENTIFIER_BYTES) {
      return name;
    }
    int len = MAX_IDENTIFIER_BYTES;
    while (len > 0 && (bytes[len] & 0xC0) == 0x80) {
      len--; // never cut a multibyte character, as pg_mbcliplen does
    }
    return new String(bytes, 0, len, StandardCharsets.UTF_8);
  }

}
