package dev.portcullis.masking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashKeyTest {
  @TempDir
  Path dir;

  @Test
  void refusesShortSecrets() {
    assertThrows(IllegalArgumentException.class, () -> HashKey.of(new byte[31]));
  }

  @Test
  void generatedKeysDiffer() {
    assertNotEquals(HashKey.generate(), HashKey.generate());
  }

  @Test
  void toStringHidesTheSecret() {
    byte[] secret = MaskStrategyTest.filled(0xab);
    String s = HashKey.of(secret).toString();
    assertFalse(s.toLowerCase().contains("abab"), s);
    assertFalse(s.contains(HexFormat.of().formatHex(secret)), s);
    assertFalse(new MaskStrategy.Hash(HashKey.of(secret)).toString().toLowerCase().contains("abab"));
  }

  @Test
  void createsAnOwnerOnlyKeyFileAndReadsItBack() throws Exception {
    Path file = dir.resolve("keys/hash.key");
    HashKey created = HashKey.loadOrCreate(file);
    assertEquals(32, Files.size(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(created, HashKey.loadOrCreate(file));
    try (var files = Files.list(file.getParent())) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void readsAnExistingKeyFile() throws Exception {
    Path file = dir.resolve("hash.key");
    byte[] secret = MaskStrategyTest.filled(3);
    Files.write(file, secret);
    assertEquals(HashKey.of(secret), HashKey.loadOrCreate(file));
    assertArrayEquals(secret, Files.readAllBytes(file), "left unchanged");
  }

  @Test
  void refusesAKeyFileShorterThan32Bytes() throws Exception {
    Path file = dir.resolve("hash.key");
    Files.write(file, new byte[16]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HashKey.loadOrCreate(file));
    assertTrue(e.getMessage().contains("16 bytes"), e.getMessage());
  }
}
