package dev.portcullis.bench;

import dev.portcullis.masking.Classifier;
import dev.portcullis.masking.ColumnMask;
import dev.portcullis.masking.ColumnOrigin;
import dev.portcullis.masking.ColumnPlan;
import dev.portcullis.masking.ColumnRef;
import dev.portcullis.masking.ContentScanner;
import dev.portcullis.masking.DataRowRewriter;
import dev.portcullis.masking.HashKey;
import dev.portcullis.masking.MaskCounts;
import dev.portcullis.masking.MaskingRules;
import dev.portcullis.masking.ResultField;
import dev.portcullis.masking.RowDescriptions;
import dev.portcullis.masking.TextSpan;
import dev.portcullis.pg.codec.BackendFrameDecoder;
import dev.portcullis.policy.Policy;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The backend → client path of one session for a result of 5-column rows, in rows per second (issue 4): a batch of
 * {@value #ROWS} DataRows, as real wire bytes, goes through {@link BackendFrameDecoder} exactly as the forwarder
 * hands it over, with a listener that does what the gateway's does for a row ({@code ResultMasking.row}: rewrite
 * by the result's {@link ColumnPlan}, count masked values). Plans are made the gateway's way: policy
 * {@link Policy.Masking} entries compiled by {@link MaskingRules#compile}, planned from a real RowDescription and
 * the catalog's names for its columns.
 *
 * <p>The row: {@code id int4, name text, email varchar(254), card_number text, note text}, all in text format (what
 * psql and the simple protocol get), about 150 bytes on the wire.
 *
 * <p>Modes ({@code -p mode=…}):
 * <ul>
 *   <li>{@code uninspected}: a session without masking rules; rows are not shown to the listener at all.
 *   <li>{@code off}: a session with masking rules, none of which covers a column of this result — rows are held
 *       whole and shown to the listener, the plan masks nothing. What "masking off" costs where masking is on.
 *   <li>{@code partial}, {@code redact}, {@code hash}: {@code public.customers.card_number} (1 of 5 columns)
 *       masked whole-value with that strategy.
 *   <li>{@code scan-clean}, {@code scan-email}: all classifiers ({@code redact}) scanning the ~60-character
 *       {@code note} column only — without any match, and with one e-mail address in it. The plan comes from the
 *       compiled rules like the others and is then narrowed to the note column, so the number is one scanned text
 *       column's cost (a classifier entry alone would scan every column).
 *   <li>{@code scan-row}: the same classifier entry as the gateway applies it, to every column of the row: the id
 *       (text format), name and clean note are scanned without a match, the e-mail and card number are matched
 *       and redacted.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MaskingRewriteBenchmark {
  /** Rows per forwarder batch: about 15 KB, a few socket reads' worth. */
  static final int ROWS = 100;

  static final int TABLE_OID = 16_384;
  static final int INT4 = 23;
  static final int TEXT = 25;
  static final int VARCHAR = 1043;

  static final String NAME = "Ada Lovelace";
  static final String EMAIL = "ada.lovelace@example.com";
  static final String CARD = "4111 1111 1111 1111";
  /** 59 characters, no classifier matches. */
  static final String NOTE_CLEAN = "Prefers delivery on weekday mornings; leave at the side door";
  /** 61 characters, one e-mail address. */
  static final String NOTE_EMAIL = "Send the invoices to billing.team@example.org, not to the CEO";

  @Param({"uninspected", "off", "partial", "redact", "hash", "scan-clean", "scan-email", "scan-row"})
  public String mode;

  private Buffer batch;
  private BackendFrameDecoder decoder;
  private ColumnPlan plan;
  private MaskCounts counts;

  @Setup(Level.Trial)
  public void setUp() {
    String note = mode.equals("scan-email") ? NOTE_EMAIL : NOTE_CLEAN;
    batch = Buffer.buffer(ROWS * 160);
    for (int i = 0; i < ROWS; i++) {
      batch.appendBuffer(dataRow(Integer.toString(1000 + i), NAME, EMAIL, CARD, note));
    }
    HashKey key = HashKey.of(new byte[HashKey.MIN_BYTES]);
    plan = switch (mode) {
      case "uninspected" -> null;
      // a rule for a column this result does not have: the session inspects rows, nothing is masked
      case "off" -> plan(key, new Policy.Masking("ssn", List.of("*.*.ssn"), List.of(), Set.of(), "redact"));
      case "partial", "redact", "hash" -> plan(key,
          new Policy.Masking("cards", List.of("public.customers.card_number"), List.of(), Set.of(), mode));
      case "scan-clean", "scan-email" -> noteOnly(plan(key, classifiers()));
      case "scan-row" -> plan(key, classifiers());
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    };
    counts = new MaskCounts();
    decoder = new BackendFrameDecoder(this::onMessage);
    if (plan != null) {
      decoder.inspectRows();
    }
    check(mode, note);
  }

  /** What the gateway's listener does with a DataRow of a result that has masking rules. */
  private Buffer onMessage(byte type, Buffer message) {
    if (type == 'D' && plan != null) {
      return DataRowRewriter.rewrite(message, plan, counts);
    }
    return message;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public void rows(Blackhole bh) {
    bh.consume(decoder.decode(batch));
  }

  // --- plans, the gateway's way ----------------------------------------------------------------------------------

  private static Policy.Masking classifiers() {
    return new Policy.Masking("classify", List.of(), List.of(), EnumSet.allOf(Classifier.class), "redact");
  }

  private static ColumnPlan plan(HashKey key, Policy.Masking entry) {
    MaskingRules rules = MaskingRules.compile(List.of(entry), key);
    List<ResultField> fields = RowDescriptions.parse(rowDescription());
    Map<ColumnRef, ColumnOrigin> origins = new HashMap<>();
    short[] formats = new short[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      ResultField f = fields.get(i);
      origins.put(f.ref(), ColumnOrigin.of("public.customers." + f.name()));
      formats[i] = f.format();
    }
    return rules.plan(fields, origins, formats);
  }

  /** {@code full}'s content mask on the note column (the last) only. */
  private static ColumnPlan noteOnly(ColumnPlan full) {
    int n = full.size();
    List<String> columns = new ArrayList<>(n);
    List<ColumnMask> masks = new ArrayList<>(n);
    int[] types = new int[n];
    short[] formats = new short[n];
    for (int i = 0; i < n; i++) {
      columns.add(full.column(i));
      masks.add(i == n - 1 ? full.mask(i) : null);
      types[i] = full.typeOid(i);
      formats[i] = full.format(i);
    }
    return new ColumnPlan(columns, masks, types, formats);
  }

  // --- wire bytes ------------------------------------------------------------------------------------------------

  /** {@code 'T' | int32 length | int16 count | count × (cstring name, int32 table oid, int16 attnum, int32 type,
   *  int16 typlen, int32 typmod, int16 format)}. */
  static Buffer rowDescription() {
    Object[][] fields = {
        {"id", INT4, 4, -1}, {"name", TEXT, -1, -1}, {"email", VARCHAR, -1, 254 + 4},
        {"card_number", TEXT, -1, -1}, {"note", TEXT, -1, -1}};
    Buffer out = Buffer.buffer().appendByte((byte) 'T').appendInt(0).appendShort((short) fields.length);
    for (int i = 0; i < fields.length; i++) {
      out.appendBytes(((String) fields[i][0]).getBytes(StandardCharsets.UTF_8)).appendByte((byte) 0)
          .appendInt(TABLE_OID).appendShort((short) (i + 1)).appendInt((Integer) fields[i][1])
          .appendShort((short) (int) (Integer) fields[i][2]).appendInt((Integer) fields[i][3])
          .appendShort((short) 0);
    }
    return out.setInt(1, out.length() - 1);
  }

  /** {@code 'D' | int32 length | int16 count | count × (int32 value length | value bytes)}, text format. */
  static Buffer dataRow(String... values) {
    Buffer out = Buffer.buffer().appendByte((byte) 'D').appendInt(0).appendShort((short) values.length);
    for (String v : values) {
      byte[] b = v.getBytes(StandardCharsets.UTF_8);
      out.appendInt(b.length).appendBytes(b);
    }
    return out.setInt(1, out.length() - 1);
  }

  // --- a benchmark that measures the wrong thing is worse than none: check what one batch turns into ------------

  private void check(String mode, String note) {
    Buffer out = Buffer.buffer();
    for (Buffer segment : decoder.decode(batch)) {
      out.appendBuffer(segment);
    }
    String text = out.toString(StandardCharsets.ISO_8859_1);
    String firstRowExpected = switch (mode) {
      case "uninspected", "off", "scan-clean" -> null; // unchanged
      case "partial" -> "**** **** **** 1111";
      case "redact" -> "****";
      case "hash" -> "h:";
      case "scan-email" -> "Send the invoices to ****, not to the CEO";
      case "scan-row" -> null;
      default -> throw new IllegalStateException(mode);
    };
    if (firstRowExpected == null && !mode.equals("scan-row")) {
      if (!Arrays.equals(out.getBytes(), batch.getBytes())) {
        throw new IllegalStateException(mode + ": rows changed where nothing is masked");
      }
      if (mode.equals("scan-clean") && !new ContentScanner(EnumSet.allOf(Classifier.class)).find(note).isEmpty()) {
        throw new IllegalStateException("the clean note has a classifier match");
      }
      return;
    }
    if (mode.equals("scan-row")) {
      if (text.contains(EMAIL) || text.contains(CARD) || !text.contains(NAME) || !text.contains(NOTE_CLEAN)) {
        throw new IllegalStateException("scan-row: expected e-mail and card redacted, name and note kept: " + text);
      }
    } else if (!text.contains(firstRowExpected) || text.contains(mode.startsWith("scan") ? "billing.team" : CARD)) {
      throw new IllegalStateException(mode + ": masked rows look wrong: " + text.substring(0, 200));
    }
    if (mode.equals("scan-email")) {
      List<TextSpan> spans = new ContentScanner(EnumSet.allOf(Classifier.class)).find(note);
      if (spans.size() != 1 || spans.get(0).classifier() != Classifier.EMAIL) {
        throw new IllegalStateException("the e-mail note should have exactly one e-mail match: " + spans);
      }
    }
    if (counts.isEmpty()) {
      throw new IllegalStateException(mode + ": no masked value was counted");
    }
  }
}
