package dev.portcullis.masking;

import java.nio.charset.StandardCharsets;

/**
 * How a masked value is replaced, as text. Type and wire-format concerns (what a masked {@code int8} becomes) are
 * {@link ValueMasker}'s; a strategy only turns a value's text into its masked text.
 *
 * <ul>
 *   <li>{@code redact}: always {@value Redact#MASK}, so not even the length leaks.
 *   <li>{@code partial}: format-preserving; keeps the last 4 letters or digits and replaces every earlier letter or
 *       digit with {@code *}, leaving other characters ({@code - @ . space}) in place. A value with 4 or fewer
 *       letters/digits keeps none of them: showing "the last 4" of a 4-digit PIN would show it all.
 *   <li>{@code hash}: {@code h:} + the first 24 lowercase hex digits of HMAC-SHA256(key, UTF-8 of the value); equal
 *       values give equal hashes, so joins and group-bys still work, and without the key nobody can test guesses.
 *   <li>{@code null}: SQL NULL ({@link #maskText} returns {@code null}).
 * </ul>
 * When several rules mask one column the most restrictive strategy wins: null &gt; redact &gt; hash &gt; partial.
 */
public sealed interface MaskStrategy
    permits MaskStrategy.Redact, MaskStrategy.Partial, MaskStrategy.Hash, MaskStrategy.Nullify {
  String name();

  /** The masked text of {@code value}; {@code null} means SQL NULL. */
  String maskText(String value);

  int severity();

  static MaskStrategy of(String name, HashKey key) {
    return switch (name) {
      case "redact" -> new Redact();
      case "partial" -> new Partial();
      case "hash" -> new Hash(key);
      case "null" -> new Nullify();
      default -> throw new IllegalArgumentException(
          "unknown masking strategy '" + name + "' (valid: redact, partial, hash, null)");
    };
  }

  record Redact() implements MaskStrategy {
    public static final String MASK = "****";

    @Override
    public String name() {
      return "redact";
    }

    @Override
    public String maskText(String value) {
      return MASK;
    }

    @Override
    public int severity() {
      return 3;
    }
  }

  record Partial() implements MaskStrategy {
    static final int KEEP = 4;

    @Override
    public String name() {
      return "partial";
    }

    @Override
    public String maskText(String value) {
      int total = (int) value.codePoints().filter(Character::isLetterOrDigit).count();
      int toMask = total <= KEEP ? total : total - KEEP;
      StringBuilder out = new StringBuilder(value.length());
      int masked = 0;
      for (int i = 0; i < value.length(); ) {
        int cp = value.codePointAt(i);
        i += Character.charCount(cp);
        if (masked < toMask && Character.isLetterOrDigit(cp)) {
          out.append('*');
          masked++;
        } else {
          out.appendCodePoint(cp);
        }
      }
      return out.toString();
    }

    @Override
    public int severity() {
      return 1;
    }
  }

  record Hash(HashKey key) implements MaskStrategy {
    static final String PREFIX = "h:";
    static final int HEX_DIGITS = 24;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    @Override
    public String name() {
      return "hash";
    }

    @Override
    public String maskText(String value) {
      byte[] mac = key.hmac(value.getBytes(StandardCharsets.UTF_8));
      char[] out = new char[PREFIX.length() + HEX_DIGITS];
      PREFIX.getChars(0, PREFIX.length(), out, 0);
      for (int i = 0; i < HEX_DIGITS / 2; i++) {
        out[PREFIX.length() + 2 * i] = HEX[(mac[i] >> 4) & 0xf];
        out[PREFIX.length() + 2 * i + 1] = HEX[mac[i] & 0xf];
      }
      return new String(out);
    }

    @Override
    public int severity() {
      return 2;
    }
  }

  /** The {@code null} strategy (named so to avoid clashing with {@code null}). */
  record Nullify() implements MaskStrategy {
    @Override
    public String name() {
      return "null";
    }

    @Override
    public String maskText(String value) {
      return null;
    }

    @Override
    public int severity() {
      return 4;
    }
  }
}
