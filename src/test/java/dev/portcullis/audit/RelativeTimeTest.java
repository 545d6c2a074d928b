package dev.portcullis.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RelativeTimeTest {
  private static final Instant NOW = Instant.parse("2026-12-04T20:00:00Z");

  @Test
  void agesCountBackFromNow() {
    assertEquals(Instant.parse("2026-12-04T19:45:00Z"), RelativeTime.parse("15m", NOW));
    assertEquals(Instant.parse("2026-12-04T18:00:00Z"), RelativeTime.parse("2h", NOW));
    assertEquals(Instant.parse("2026-11-27T20:00:00Z"), RelativeTime.parse("7d", NOW));
    assertEquals(Instant.parse("2026-11-20T20:00:00Z"), RelativeTime.parse("2w", NOW));
    assertEquals(Instant.parse("2026-12-04T19:59:30Z"), RelativeTime.parse("30s", NOW));
  }

  @Test
  void rfc3339WithAnyOffsetAndPlainDates() {
    assertEquals(Instant.parse("2026-12-04T18:00:00Z"), RelativeTime.parse("2026-12-04T20:00:00+02:00", NOW));
    assertEquals(Instant.parse("2026-12-04T20:00:00.123456Z"), RelativeTime.parse("2026-12-04T20:00:00.123456Z", NOW));
    assertEquals(Instant.parse("2026-12-01T00:00:00Z"), RelativeTime.parse("2026-12-01", NOW));
  }

  @Test
  void anythingElseIsRefusedWithTheAcceptedForms() {
    for (String bad : new String[] {"yesterday", "15", "15min", "-2h", "2026-13-01", ""}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RelativeTime.parse(bad, NOW));
      assertTrue(e.getMessage().contains("15m, 2h, 7d"), e.getMessage());
    }
  }
}
