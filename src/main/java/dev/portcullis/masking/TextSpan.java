package dev.portcullis.masking;

import java.util.Objects;

/**
 * A sensitive value found in scanned text: chars {@code [start, end)} of the {@link CharSequence} (char indexes,
 * so a value after multibyte text starts where {@code String.indexOf} would find it, not at a byte offset).
 */
public record TextSpan(int start, int end, Classifier classifier) {
  public TextSpan {
    Objects.requireNonNull(classifier, "classifier");
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("empty or negative span [" + start + ", " + end + ")");
    }
  }

  public int length() {
    return end - start;
  }

  public boolean overlaps(TextSpan other) {
    return start < other.end && other.start < end;
  }
}
