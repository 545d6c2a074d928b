package dev.portcullis.admin;

import java.util.Locale;
import java.util.Map;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: per metric family one {@code # HELP} and one
 * {@code # TYPE} line, then its samples. Counter names end in {@code _total} (checked, so a misnamed counter fails
 * the tests rather than a dashboard).
 */
final class PrometheusText {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder out = new StringBuilder(4096);

  PrometheusText counter(String name, String help, long value) {
    family(name, help, "counter");
    sample(name, Map.of(), value);
    return this;
  }

  /** One counter family with a sample per label value, e.g. {@code decision="allow"}. */
  PrometheusText counter(String name, String help, String label, Map<String, Long> byLabel) {
    family(name, help, "counter");
    byLabel.forEach((value, count) -> sample(name, Map.of(label, value), count));
    return this;
  }

  PrometheusText gauge(String name, String help, long value) {
    family(name, help, "gauge");
    sample(name, Map.of(), value);
    return this;
  }

  String text() {
    return out.toString();
  }

  private void family(String name, String help, String type) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException("not a metric name: " + name);
    }
    if (type.equals("counter") != name.endsWith("_total")) {
      throw new IllegalArgumentException("counters, and only counters, end in _total: " + name);
    }
    out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private void sample(String name, Map<String, String> labels, long value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, String> l : labels.entrySet()) {
        out.append(first ? "" : ",").append(l.getKey()).append("=\"").append(escapeLabel(l.getValue())).append('"');
        first = false;
      }
      out.append('}');
    }
    out.append(' ').append(String.format(Locale.ROOT, "%d", value)).append('\n');
  }

  private static String escapeHelp(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static String escapeLabel(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
