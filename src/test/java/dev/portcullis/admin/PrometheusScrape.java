package dev.portcullis.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Prometheus text format 0.0.4 as a scraper would, failing on anything a scraper would reject or a
 * convention we promise: HELP then TYPE before a family's samples, one family each, counters named {@code _total}.
 */
final class PrometheusScrape {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\"(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\")*)\\})? (-?[0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf)");

  /** Family name to type ({@code counter}, {@code gauge}, ...). */
  final Map<String, String> types = new LinkedHashMap<>();
  /** {@code name} or {@code name{label="v"}} to value. */
  final Map<String, Double> samples = new HashMap<>();

  static PrometheusScrape parse(String text) {
    PrometheusScrape s = new PrometheusScrape();
    assertTrue(text.endsWith("\n"), "the exposition ends with a newline");
    String help = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ")) {
        String[] parts = line.split(" ", 4);
        assertTrue(NAME.matcher(parts[2]).matches(), line);
        assertFalse(s.types.containsKey(parts[2]), "family declared twice: " + parts[2]);
        help = parts[2];
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        assertEquals(4, parts.length, line);
        assertEquals(help, parts[2], "TYPE right after its HELP: " + line);
        assertTrue(Map.of("counter", 1, "gauge", 1).containsKey(parts[3]), line);
        assertEquals(parts[3].equals("counter"), parts[2].endsWith("_total"), "counters end in _total: " + line);
        s.types.put(parts[2], parts[3]);
      } else if (line.startsWith("#") || line.isEmpty()) {
        fail("unexpected line: '" + line + "'");
      } else {
        Matcher m = SAMPLE.matcher(line);
        assertTrue(m.matches(), "not a sample line: " + line);
        assertTrue(s.types.containsKey(m.group(1)), "sample before its TYPE: " + line);
        String key = m.group(2) == null ? m.group(1) : m.group(1) + m.group(2);
        assertFalse(s.samples.containsKey(key), "duplicate sample " + key);
        s.samples.put(key, Double.parseDouble(m.group(4)));
      }
    }
    return s;
  }

  long value(String key) {
    Double v = samples.get(key);
    if (v == null) {
      return fail("no sample " + key + " in " + samples.keySet());
    }
    return v.longValue();
  }
}
