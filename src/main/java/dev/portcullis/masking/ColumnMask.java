package dev.portcullis.masking;

import java.util.stream.Collectors;

/**
 * How one result column is masked: the strategy, the rule that asked for it (for events), and the mode. Whole-value
 * mode ({@code scanner == null}) masks every non-NULL value; content mode masks only what the scanner's
 * classifiers find in a value (see {@link ValueMasker}).
 */
public record ColumnMask(MaskStrategy strategy, String rule, ContentScanner scanner) {
  public static ColumnMask wholeValue(MaskStrategy strategy, String rule) {
    return new ColumnMask(strategy, rule, null);
  }

  public static ColumnMask content(MaskStrategy strategy, String rule, ContentScanner scanner) {
    return new ColumnMask(strategy, rule, scanner);
  }

  public boolean inspectsContent() {
    return scanner != null;
  }

  /** The value to send instead of {@code value}; the same array when content mode found nothing. */
  public byte[] apply(int typeOid, short format, byte[] value) {
    return scanner == null
        ? ValueMasker.mask(strategy, typeOid, format, value)
        : ValueMasker.scrub(scanner, strategy, typeOid, format, value);
  }

  /** E.g. {@code partial by rule 'a#1'} or {@code hash of email, card matches by rule 'a#2'}. */
  public String describe() {
    if (scanner == null) {
      return strategy.name() + " by rule '" + rule + "'";
    }
    String classifiers = scanner.enabled().stream().map(Classifier::configName).sorted()
        .collect(Collectors.joining(", "));
    return strategy.name() + " of " + classifiers + " matches by rule '" + rule + "'";
  }
}
