package dev.portcullis.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One spelling per destination: what rules match is what the target is asked to connect to. */
class ForwardDestinationTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      db.internal        | 5432  | db.internal:5432    | db.internal
      DB.Internal.       | 5432  | db.internal:5432    | db.internal
      localhost          | 80    | localhost:80        | localhost
      10.0.0.7           | 22    | 10.0.0.7:22         | 10.0.0.7
      0.0.0.0            | 1     | 0.0.0.0:1           | 0.0.0.0
      ::1                | 5432  | [::1]:5432          | ::1
      [::1]              | 5432  | [::1]:5432          | ::1
      0:0:0:0:0:0:0:1    | 5432  | [::1]:5432          | ::1
      2001:DB8:0:0:1:0:0:1 | 443 | [2001:db8::1:0:0:1]:443 | 2001:db8::1:0:0:1
      2001:db8:0:0:0:0:2:1 | 443 | [2001:db8::2:1]:443 | 2001:db8::2:1
      fe80::             | 9     | [fe80::]:9          | fe80::
      ::ffff:127.0.0.1   | 8080  | 127.0.0.1:8080      | 127.0.0.1
      my_host-1.corp     | 65535 | my_host-1.corp:65535 | my_host-1.corp
      """)
  void canonicalSpelling(String host, long port, String detail, String connectTo) {
    ForwardDestination d = ForwardDestination.parse(host, port);
    assertEquals(detail, d.detail());
    assertEquals(connectTo, d.host());
    assertEquals((int) port, d.port());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      127.1              | four decimal numbers
      0x7f000001         | last label cannot start with a digit
      2130706433         | four decimal numbers
      0177.0.0.1         | without leading zeros
      127.0.0.256        | 0-255
      10.0.0.1.          | four decimal numbers
      host.123           | last label cannot start with a digit
      fe80::1%eth0       | not an IPv6 address
      1:2:3:4:5:6:7:8:9  | not an IPv6 address
      a..b               | letters, digits
      evil.com/x         | letters, digits
      'a b'              | letters, digits
      '-'                | letters, digits
      """)
  void otherSpellingsAreRefusedWithAReason(String host, String reason) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ForwardDestination.parse(host, 80));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertTrue(e.getMessage().startsWith("host '"), e.getMessage());
  }

  @Test
  void portsAndEmptyHostsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ForwardDestination.parse("db", 0));
    assertThrows(IllegalArgumentException.class, () -> ForwardDestination.parse("db", 65536));
    assertThrows(IllegalArgumentException.class, () -> ForwardDestination.parse("", 80));
    assertThrows(IllegalArgumentException.class, () -> ForwardDestination.parse(".", 80));
  }

  @Test
  void reasonsQuoteLittleAndNoControlCharacters() {
    String hostile = "x\u001b[2J".repeat(100);
    String reason = assertThrows(IllegalArgumentException.class, () -> ForwardDestination.parse(hostile, 80))
        .getMessage();
    assertTrue(reason.length() < 200, reason);
    assertTrue(reason.chars().noneMatch(Character::isISOControl), reason);
  }

  @Test
  void rfc5952PicksTheFirstLongestZeroRun() {
    assertEquals("1:0:0:2::3", ForwardDestination.rfc5952(bytes(1, 0, 0, 2, 0, 0, 0, 3)));
    assertEquals("1::2:0:0:3", ForwardDestination.rfc5952(bytes(1, 0, 0, 0, 2, 0, 0, 3)));
    assertEquals("1::4:0:0:5:0", ForwardDestination.rfc5952(bytes(1, 0, 0, 4, 0, 0, 5, 0)));
    assertEquals("1:0:2:3:4:5:6:7", ForwardDestination.rfc5952(bytes(1, 0, 2, 3, 4, 5, 6, 7)));
    assertEquals("::", ForwardDestination.rfc5952(bytes(0, 0, 0, 0, 0, 0, 0, 0)));
  }

  private static byte[] bytes(int... groups) {
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[2 * i] = (byte) (groups[i] >> 8);
      b[2 * i + 1] = (byte) groups[i];
    }
    return b;
  }
}
