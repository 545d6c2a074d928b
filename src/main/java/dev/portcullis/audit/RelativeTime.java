package dev.portcullis.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time as an operator types it: RFC 3339 ({@code 2026-12-04T20:00:00Z}, any offset), a date
 * ({@code 2026-12-04}, midnight UTC), or an age relative to now ({@code 90s}, {@code 15m}, {@code 2h}, {@code 7d},
 * {@code 2w}).
 */
public final class RelativeTime {
  private static final Pattern AGE = Pattern.compile("(\\d{1,9})(s|m|h|d|w)");

  private RelativeTime() {}

  /** @throws IllegalArgumentException with a message saying which forms are accepted */
  public static Instant parse(String text, Instant now) {
    String t = text.trim();
    Matcher m = AGE.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration age = switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(7 * n);
      };
      return now.minus(age);
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      // next form
    }
    try {
      return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected an RFC 3339 time (2026-12-04T20:00:00Z), a date (2026-12-04)"
          + " or an age such as 15m, 2h, 7d; got '" + text + "'");
    }
  }
}
