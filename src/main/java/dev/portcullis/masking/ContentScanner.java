package dev.portcullis.masking;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds sensitive values inside text for the enabled {@link Classifier}s: result values that no column rule
 * covers, and the text of errors and notices (design-notes §4c). Immutable and thread-safe; one instance can serve
 * every session with the same classifiers.
 *
 * <p>Each classifier is a hand-written scan in which every candidate position costs a bounded amount of work (no
 * backtracking regular expressions), so a long hostile value takes time proportional to its length.
 *
 * <p>Candidates may overlap (a card number inside an e-mail's local part, an SSN inside an international phone
 * number). The longer one is kept, then the one of the more specific classifier (SECRET, CARD, IBAN, SSN, EMAIL,
 * PHONE); a card number always beats a phone number it overlaps, because {@code +} and a Luhn-valid run is far more
 * likely a card after a stray sign than a phone that happens to pass Luhn. Only enabled classifiers take part.
 */
public final class ContentScanner {
  /** Tie-break order: the classifier whose shape is more specific wins an overlap of equal length. */
  private static final List<Classifier> SPECIFICITY = List.of(Classifier.SECRET, Classifier.CARD, Classifier.IBAN,
      Classifier.SSN, Classifier.EMAIL, Classifier.PHONE);
  private static final Comparator<TextSpan> PREFERRED = Comparator
      .comparingInt((TextSpan s) -> -s.length())
      .thenComparingInt(s -> SPECIFICITY.indexOf(s.classifier()))
      .thenComparingInt(TextSpan::start);

  private final Set<Classifier> enabled;

  public ContentScanner(Set<Classifier> enabled) {
    this.enabled = enabled.isEmpty()
        ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(enabled));
  }

  public Set<Classifier> enabled() {
    return enabled;
  }

  /** The sensitive values in {@code text}, sorted by start, never overlapping; empty when there are none. */
  public List<TextSpan> find(CharSequence text) {
    if (enabled.isEmpty() || text.length() == 0) {
      return List.of();
    }
    List<TextSpan> candidates = new ArrayList<>();
    for (Classifier c : enabled) {
      switch (c) {
        case CARD -> CardNumbers.find(text, candidates);
        case EMAIL -> EmailAddresses.find(text, candidates);
        case SSN -> SocialSecurityNumbers.find(text, candidates);
        case PHONE -> PhoneNumbers.find(text, candidates);
        case IBAN -> Ibans.find(text, candidates);
        case SECRET -> Secrets.find(text, candidates);
      }
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    if (enabled.contains(Classifier.CARD) && enabled.contains(Classifier.PHONE)) {
      candidates = withoutPhonesOverCards(candidates);
    }
    return resolveOverlaps(candidates);
  }

  /** Greedy by preference: a candidate is kept when it overlaps nothing kept before it. */
  private static List<TextSpan> resolveOverlaps(List<TextSpan> candidates) {
    if (candidates.size() == 1) {
      return List.copyOf(candidates);
    }
    candidates.sort(PREFERRED);
    TreeMap<Integer, TextSpan> kept = new TreeMap<>();
    for (TextSpan s : candidates) {
      // kept spans never overlap, so the one starting last before s ends is the only one that can overlap s
      Map.Entry<Integer, TextSpan> before = kept.lowerEntry(s.end());
      if (before == null || before.getValue().end() <= s.start()) {
        kept.put(s.start(), s);
      }
    }
    return List.copyOf(kept.values());
  }

  private static List<TextSpan> withoutPhonesOverCards(List<TextSpan> candidates) {
    TreeMap<Integer, TextSpan> cards = new TreeMap<>();
    for (TextSpan s : candidates) {
      if (s.classifier() == Classifier.CARD) {
        cards.put(s.start(), s); // card candidates never overlap each other
      }
    }
    if (cards.isEmpty()) {
      return candidates;
    }
    List<TextSpan> out = new ArrayList<>(candidates.size());
    for (TextSpan s : candidates) {
      if (s.classifier() == Classifier.PHONE) {
        Map.Entry<Integer, TextSpan> card = cards.lowerEntry(s.end());
        if (card != null && card.getValue().end() > s.start()) {
          continue;
        }
      }
      out.add(s);
    }
    return out;
  }
}
