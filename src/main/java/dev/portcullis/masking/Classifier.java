package dev.portcullis.masking;

import java.util.Locale;

/** PLACEHOLDER (mask-core): the mask-classify helper owns this file; take its version on merge. */
public enum Classifier {
  CARD, EMAIL, SSN, PHONE, IBAN, SECRET;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Classifier byName(String n) {
    for (Classifier c : values()) {
      if (c.configName().equals(n)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown classifier '" + n + "'");
  }
}
