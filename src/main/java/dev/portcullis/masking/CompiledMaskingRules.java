package dev.portcullis.masking;

import dev.portcullis.policy.Policy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** {@link MaskingRules} as compiled patterns; see there for the semantics. */
final class CompiledMaskingRules implements MaskingRules {
  private record Entry(String name, List<Pattern> columns, List<Pattern> names, MaskStrategy strategy) {}

  private final List<Entry> entries;
  /** The content mask every column without a whole-value rule gets; {@code null} without classifier entries. */
  private final ColumnMask contentMask;

  private CompiledMaskingRules(List<Entry> entries, ColumnMask contentMask) {
    this.entries = entries;
    this.contentMask = contentMask;
  }

  static MaskingRules compile(List<Policy.Masking> masking, HashKey key) {
    List<Entry> entries = new ArrayList<>();
    Set<Classifier> classifiers = EnumSet.noneOf(Classifier.class);
    List<String> contentRules = new ArrayList<>();
    MaskStrategy contentStrategy = null;
    for (Policy.Masking m : masking) {
      MaskStrategy strategy = MaskStrategy.of(m.strategy(), key);
      List<Pattern> columns = m.columns().stream().map(g -> columnGlob(g, m.name())).toList();
      List<Pattern> names = m.names().stream().map(CompiledMaskingRules::nameGlob).toList();
      if (!columns.isEmpty() || !names.isEmpty()) {
        entries.add(new Entry(m.name(), columns, names, strategy));
      }
      if (!m.classifiers().isEmpty()) {
        classifiers.addAll(m.classifiers());
        contentRules.add(m.name());
        if (contentStrategy == null || strategy.severity() > contentStrategy.severity()) {
          contentStrategy = strategy;
        }
      }
    }
    ColumnMask content = classifiers.isEmpty() ? null
        : ColumnMask.content(contentStrategy, String.join(",", contentRules), new ContentScanner(classifiers));
    return new CompiledMaskingRules(List.copyOf(entries), content);
  }

  @Override
  public boolean isEmpty() {
    return entries.isEmpty() && contentMask == null;
  }

  @Override
  public ColumnPlan plan(List<ResultField> fields, Map<ColumnRef, ColumnOrigin> origins, short[] formats) {
    if (formats.length != fields.size()) {
      throw new IllegalArgumentException(formats.length + " formats for " + fields.size() + " result columns");
    }
    List<String> labels = new ArrayList<>(fields.size());
    List<ColumnMask> masks = new ArrayList<>(fields.size());
    int[] types = new int[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      ResultField field = fields.get(i);
      ColumnOrigin origin = field.tableOid() == 0 ? null : origins.get(field.ref());
      labels.add(origin == null ? field.name() : origin.qualifiedName());
      masks.add(maskFor(field, origin));
      types[i] = field.typeOid();
    }
    return new ColumnPlan(labels, masks, types, formats);
  }

  private ColumnMask maskFor(ResultField field, ColumnOrigin origin) {
    Entry winner = null;
    for (Entry e : entries) {
      if ((winner == null || e.strategy().severity() > winner.strategy().severity()) && matches(e, field, origin)) {
        winner = e;
      }
    }
    return winner != null ? ColumnMask.wholeValue(winner.strategy(), winner.name()) : contentMask;
  }

  private static boolean matches(Entry e, ResultField field, ColumnOrigin origin) {
    for (Pattern p : e.names()) {
      if (p.matcher(field.name()).matches()) {
        return true;
      }
    }
    if (origin == null) {
      return false;
    }
    for (Pattern p : e.columns()) {
      if (p.matcher(origin.qualifiedName()).matches() || origin.baseColumns().stream()
          .anyMatch(b -> p.matcher(b).matches())) {
        return true;
      }
    }
    return false;
  }

  static Pattern columnGlob(String glob, String rule) {
    String[] parts = glob.split("\\.", -1);
    if (parts.length != 3 || List.of(parts).contains("")) {
      throw new IllegalArgumentException("masking rule '" + rule + "': column glob '" + glob
          + "' must have three dot-separated parts, schema.table.column (e.g. *.*.card_number)");
    }
    return Pattern.compile(translate(glob, "[^.]"));
  }

  static Pattern nameGlob(String glob) {
    return Pattern.compile(translate(glob, "."), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  /** A glob as a regex; {@code any} is the class one wildcard character may match. */
  private static String translate(String glob, String any) {
    return glob.codePoints().mapToObj(c -> c == '*' ? any + "*" : c == '?' ? any
        : Pattern.quote(Character.toString(c))).collect(Collectors.joining());
  }
}
