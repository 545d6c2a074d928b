package dev.portcullis.masking;

/**
 * The few PostgreSQL type OIDs whose values masking can rewrite, from {@code pg_type}. RowDescription reports a
 * domain by its base type, so a domain over {@code text} is text here. Types with installation-dependent OIDs
 * (extensions such as {@code citext}) are not recognised and count as {@link Kind#OTHER}.
 */
public final class PgTypes {
  public static final int NAME = 19;
  public static final int TEXT = 25;
  public static final int JSON = 114;
  public static final int UNKNOWN = 705;
  public static final int BPCHAR = 1042;
  public static final int VARCHAR = 1043;
  public static final int JSONB = 3802;

  /** How a type's values can be masked. */
  public enum Kind {
    /** Text in both formats (the binary send format of these types is the text's bytes). */
    TEXT,
    /** A JSON document as text, in both formats. */
    JSON,
    /** A JSON document as text; the binary format prefixes a version byte. */
    JSONB,
    /** Anything else: no masked value of the type can be guaranteed valid. */
    OTHER
  }

  private PgTypes() {}

  public static Kind kind(int typeOid) {
    return switch (typeOid) {
      case TEXT, VARCHAR, BPCHAR, NAME, UNKNOWN -> Kind.TEXT;
      case JSON -> Kind.JSON;
      case JSONB -> Kind.JSONB;
      default -> Kind.OTHER;
    };
  }

  public static boolean isTextLike(int typeOid) {
    return kind(typeOid) == Kind.TEXT;
  }
}
