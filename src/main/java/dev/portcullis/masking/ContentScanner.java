package dev.portcullis.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PLACEHOLDER (mask-core): the mask-classify helper owns this file; take its version on merge. Finds only plain
 * e-mail addresses, so mask-core's tests marked "real ContentScanner" can run before the merge.
 */
public final class ContentScanner {
  private final Set<Classifier> enabled;

  public ContentScanner(Set<Classifier> enabled) {
    this.enabled = Set.copyOf(enabled);
  }

  private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

  public List<TextSpan> find(CharSequence text) {
    if (!enabled.contains(Classifier.EMAIL)) {
      return List.of();
    }
    List<TextSpan> spans = new ArrayList<>();
    Matcher m = EMAIL.matcher(text);
    while (m.find()) {
      spans.add(new TextSpan(m.start(), m.end(), Classifier.EMAIL));
    }
    return spans;
  }

  public Set<Classifier> enabled() {
    return enabled;
  }
}
