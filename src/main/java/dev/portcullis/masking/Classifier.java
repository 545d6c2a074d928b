package dev.portcullis.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A kind of sensitive value that {@link ContentScanner} recognises inside text, named in policy files by
 * {@link #configName()} ({@code classifiers: [card, email]}).
 */
public enum Classifier {
  /** Payment card numbers: 13–19 digits, optionally grouped, Luhn-checked. */
  CARD,
  /** E-mail addresses. */
  EMAIL,
  /** US social security numbers written {@code ddd-dd-dddd} or {@code ddd dd dddd}. */
  SSN,
  /** Phone numbers: international ({@code +} and 8–15 digits) and North American formats. */
  PHONE,
  /** International bank account numbers, mod-97-checked. */
  IBAN,
  /** Credentials: JWTs, AWS keys, GitHub and Slack tokens, PEM private key blocks. */
  SECRET;

  /** The name used in policy files. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The classifier named {@code n} in a policy file; exact lower-case names only, as for every policy value. */
  public static Classifier byName(String n) {
    for (Classifier c : values()) {
      if (c.configName().equals(n)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown classifier '" + n + "' (expected one of: "
        + String.join(", ", configNames()) + ")");
  }

  /** Every config name, in declaration order (for messages). */
  public static List<String> configNames() {
    List<String> out = new ArrayList<>();
    for (Classifier c : values()) {
      out.add(c.configName());
    }
    return out;
  }
}
