package dev.portcullis.events.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  private static final long SEGMENT = 4 << 10;

  @TempDir
  Path dir;

  private static SpoolRecord record(int n) {
    return new SpoolRecord(n % 2 == 0 ? "p.sessions" : "p.recordings", ("s" + n % 3).getBytes(StandardCharsets.UTF_8),
        ("{\"n\":" + n + ",\"pad\":\"" + "x".repeat(n % 50) + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private static List<SpoolRecord> records(int from, int to) {
    return IntStream.range(from, to).mapToObj(SpoolTest::record).toList();
  }

  /** Everything the reader returns from its position on. */
  private static List<SpoolReader.Entry> readAll(SpoolReader reader) throws IOException {
    List<SpoolReader.Entry> all = new ArrayList<>();
    for (SpoolReader.Chunk c = reader.read(7); !c.entries().isEmpty(); c = reader.read(7)) {
      all.addAll(c.entries());
    }
    return all;
  }

  private static void assertRecords(List<SpoolRecord> expected, List<SpoolReader.Entry> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).topic(), actual.get(i).record().topic());
      assertArrayEquals(expected.get(i).key(), actual.get(i).record().key());
      assertArrayEquals(expected.get(i).value(), actual.get(i).record().value(), "record " + i);
    }
  }

  /** Appends in batches of ten (a batch never spans segments). */
  private static void appendInBatches(Spool spool, List<SpoolRecord> records) throws IOException {
    for (int i = 0; i < records.size(); i += 10) {
      assertEquals(Math.min(10, records.size() - i), spool.append(records.subList(i, Math.min(i + 10, records.size()))));
    }
  }

  private long segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".seg")).count();
    }
  }

  @Test
  void recordsComeBackInOrderAcrossSegments() throws IOException {
    try (Spool spool = Spool.open(dir, 1 << 20, SEGMENT); SpoolReader reader = spool.reader()) {
      List<SpoolRecord> all = records(0, 300);
      for (int i = 0; i < 300; i += 30) {
        assertEquals(30, spool.append(all.subList(i, i + 30)));
      }
      assertTrue(segmentFiles() > 3, "rolled into several segments");
      List<SpoolReader.Entry> read = readAll(reader);
      assertRecords(all, read);
      assertEquals(spool.end(), read.get(read.size() - 1).end());
      assertTrue(reader.read(10).entries().isEmpty(), "nothing past the end");
      spool.append(records(300, 301));
      assertRecords(records(300, 301), reader.read(10).entries());
    }
  }

  @Test
  void aRestartResumesAtTheCursorAndDeletesAcknowledgedSegments() throws IOException {
    List<SpoolRecord> all = records(0, 200);
    long ackedUpTo;
    try (Spool spool = Spool.open(dir, 1 << 20, SEGMENT); SpoolReader reader = spool.reader()) {
      appendInBatches(spool, all);
      List<SpoolReader.Entry> read = readAll(reader);
      long before = segmentFiles();
      ackedUpTo = read.get(149).end();
      spool.acknowledge(ackedUpTo);
      assertTrue(segmentFiles() < before, "segments before the cursor are deleted");
      assertEquals(spool.end() - ackedUpTo, spool.unacknowledgedBytes());
    }
    try (Spool spool = Spool.open(dir, 1 << 20, SEGMENT); SpoolReader reader = spool.reader()) {
      assertEquals(ackedUpTo, spool.cursor());
      assertRecords(all.subList(150, 200), readAll(reader));
      spool.acknowledge(spool.end());
      assertEquals(1, segmentFiles(), "only the active segment is left");
      assertEquals(0, spool.unacknowledgedBytes());
    }
    try (Spool spool = Spool.open(dir, 1 << 20, SEGMENT); SpoolReader reader = spool.reader()) {
      assertTrue(reader.read(10).entries().isEmpty(), "all was acknowledged");
      spool.append(records(500, 501));
      assertRecords(records(500, 501), readAll(reader)); // offsets go on growing after a drained restart
    }
  }

  @Test
  void aTornTailIsCutOffAndAppendsContinueAfterTheLastWholeRecord() throws IOException {
    Path last;
    try (Spool spool = Spool.open(dir, 1 << 20, 1 << 20)) {
      spool.append(records(0, 5));
      last = spool.segments.lastEntry().getValue();
    }
    // A crash mid-append: the first half of a sixth record, then what a file system may leave (zeros).
    ByteBuffer frame = ByteBuffer.allocate(SpoolFrames.size(record(5)));
    SpoolFrames.write(frame, record(5));
    try (FileChannel ch = FileChannel.open(last, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(frame.array(), 0, frame.capacity() / 2));
      ch.write(ByteBuffer.allocate(100));
    }
    long tornSize = Files.size(last);
    try (Spool spool = Spool.open(dir, 1 << 20, 1 << 20); SpoolReader reader = spool.reader()) {
      assertTrue(Files.size(last) < tornSize);
      spool.append(records(6, 8));
      List<SpoolRecord> expected = new ArrayList<>(records(0, 5));
      expected.addAll(records(6, 8));
      assertRecords(expected, readAll(reader));
    }
  }

  @Test
  void aFullSpoolStoresAPrefixReportsFullAndRecoversOnceDrained() throws IOException {
    long max = 1 << 20;
    try (Spool spool = Spool.open(dir, max, Spool.defaultSegmentBytes(max)); SpoolReader reader = spool.reader()) {
      int stored = 0;
      int offered = 0;
      while (stored == offered) {
        List<SpoolRecord> batch = records(offered, offered + 100);
        stored += spool.append(batch);
        offered += 100;
      }
      assertTrue(spool.full());
      assertTrue(spool.usedBytes() <= max, "never more than maxBytes on disk: " + spool.usedBytes());
      SpoolRecord big = new SpoolRecord("t", new byte[1], new byte[1000]);
      assertEquals(0, spool.append(List.of(big)), "a full spool takes nothing");
      List<SpoolReader.Entry> read = readAll(reader);
      assertRecords(records(0, stored), read); // the stored ones are a prefix, in order
      spool.acknowledge(spool.end());
      assertFalse(spool.full(), "drained: takes events again");
      assertEquals(1, spool.append(records(0, 1)));
    }
  }

  @Test
  void aSpoolIsNearlyFullAtNinetyPercentWhileItStillTakesEvents() throws IOException {
    long max = 1 << 20;
    try (Spool spool = Spool.open(dir, max, Spool.defaultSegmentBytes(max))) {
      int offered = 0;
      while (!spool.nearlyFull()) {
        assertEquals(10, spool.append(records(offered, offered + 10)), "stored whole before 90 %");
        offered += 10;
      }
      assertTrue(spool.usedBytes() >= max / 10 * 9, "nearly full from 90 %: " + spool.usedBytes());
      assertFalse(spool.full(), "no event refused yet");
      assertEquals(10, spool.append(records(offered, offered + 10)), "the last tenth still takes events");
      spool.acknowledge(spool.end());
      assertFalse(spool.nearlyFull(), "drained");
    }
  }

  @Test
  void aSpoolIsOpenOnlyOnceAtATime() throws IOException {
    try (Spool spool = Spool.open(dir, 1 << 20, SEGMENT)) {
      IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
          () -> Spool.open(dir, 1 << 20, SEGMENT));
      assertTrue(e.getMessage().contains("already open"), e.getMessage());
    }
    Spool.open(dir, 1 << 20, SEGMENT).close(); // closing released it
  }

  @Test
  void aRecordLargerThanTheReadChunkIsRead() throws IOException {
    SpoolRecord big = new SpoolRecord("t", "k".getBytes(StandardCharsets.UTF_8),
        "y".repeat(700_000).getBytes(StandardCharsets.UTF_8));
    try (Spool spool = Spool.open(dir, 16 << 20, 1 << 20)) {
      spool.append(List.of(record(0), big, record(1)));
    }
    try (Spool spool = Spool.open(dir, 16 << 20, 1 << 20); SpoolReader reader = spool.reader()) {
      assertRecords(List.of(record(0), big, record(1)), readAll(reader));
    }
  }

  @Test
  void aCorruptRecordInTheMiddleIsSkippedNotRepeated() throws IOException {
    Path first;
    try (Spool spool = Spool.open(dir, 1 << 20, SEGMENT)) {
      appendInBatches(spool, records(0, 100));
      first = spool.segments.firstEntry().getValue();
    }
    try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {'#'}), 20); // inside the first record's body: its checksum fails
    }
    try (Spool spool = Spool.open(dir, 1 << 20, SEGMENT); SpoolReader reader = spool.reader()) {
      List<SpoolReader.Entry> read = readAll(reader);
      assertTrue(read.size() < 100 && read.size() > 10, "the first segment is skipped, the rest read: " + read.size());
      assertRecords(records(100 - read.size(), 100), read);
      assertEquals(spool.end(), reader.position());
    }
  }
}
