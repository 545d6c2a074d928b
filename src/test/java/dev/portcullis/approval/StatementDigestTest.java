package dev.portcullis.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What an approval covers: exactly one text with exactly its parameter values. */
class StatementDigestTest {
  @Test
  void isSha256HexOfLengthPrefixedParts() throws Exception {
    String d = StatementDigest.of("SELECT 1", List.of());
    assertTrue(d.matches("sha256:[0-9a-f]{64}"), d);
    // the documented layout: int32 length + UTF-8 text, then per value 'N', or 'V' + int32 length + UTF-8
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(new byte[] {0, 0, 0, 8});
    sha.update("SELECT 1".getBytes(StandardCharsets.UTF_8));
    assertEquals("sha256:" + HexFormat.of().formatHex(sha.digest()), d);
    assertEquals(d, StatementDigest.of("SELECT 1", List.of()), "stable");
  }

  @Test
  void differentSplitsOfTheSameCharactersGiveDifferentDigests() {
    List<String> digests = List.of(
        StatementDigest.of("ab", List.of()),
        StatementDigest.of("a", List.of("b")),
        StatementDigest.of("", List.of("ab")),
        StatementDigest.of("", List.of("a", "b")),
        StatementDigest.of("a", List.of("", "b")),
        StatementDigest.of("a", List.of("b", "")),
        StatementDigest.of("aV", List.of()), // a value's marker byte moved into the text
        StatementDigest.of("a", Arrays.asList("b", null)),
        StatementDigest.of("a", Arrays.asList(null, "b")));
    assertEquals(digests.size(), new HashSet<>(digests).size(), digests.toString());
  }

  @Test
  void nullAndEmptyAndTheWordNullDiffer() {
    Set<String> digests = new HashSet<>(List.of(
        StatementDigest.of("SELECT $1", Arrays.asList((String) null)),
        StatementDigest.of("SELECT $1", List.of("")),
        StatementDigest.of("SELECT $1", List.of("NULL")),
        StatementDigest.of("SELECT $1", List.of("N")),
        StatementDigest.of("SELECT $1", List.of())));
    assertEquals(5, digests.size());
  }

  @Test
  void everyCharacterCounts() {
    assertNotEquals(StatementDigest.of("DELETE FROM t WHERE id = $1", List.of("7")),
        StatementDigest.of("DELETE FROM t WHERE id = $1 ", List.of("7")));
    assertNotEquals(StatementDigest.of("SELECT 'é'", List.of()), StatementDigest.of("SELECT 'e\u0301'", List.of()),
        "no Unicode normalization: the bytes the server runs");
    assertNotEquals(StatementDigest.of("SELECT $1", List.of("7")), StatementDigest.of("SELECT $1", List.of("07")));
  }
}
