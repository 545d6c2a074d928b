package dev.portcullis.pg;

import dev.portcullis.masking.Classifier;
import dev.portcullis.masking.ColumnCatalog;
import dev.portcullis.masking.ColumnOrigin;
import dev.portcullis.masking.ColumnPlan;
import dev.portcullis.masking.ColumnRef;
import dev.portcullis.masking.ContentScanner;
import dev.portcullis.masking.CopyTextRows;
import dev.portcullis.masking.DataRowRewriter;
import dev.portcullis.masking.HashKey;
import dev.portcullis.masking.MaskCounts;
import dev.portcullis.masking.MaskedColumn;
import dev.portcullis.masking.MaskingRules;
import dev.portcullis.masking.ResultField;
import dev.portcullis.masking.RowDescriptions;
import dev.portcullis.masking.TextSpan;
import dev.portcullis.pg.codec.CStrings;
import dev.portcullis.pg.codec.ErrorResponse;
import dev.portcullis.pg.codec.MessageTypes;
import dev.portcullis.policy.Policy;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Masks one session's results as they stream back (issue 4, design-notes §4c). Each statement carries the masking
 * rules in force when it was judged; its RowDescription and the catalog's names for the described columns make a
 * {@link ColumnPlan}, and every DataRow of that result is rewritten by the plan, one row at a time.
 *
 * <pre>
 * simple:    Q ──▶  T (plan) D D D C                     each D rewritten
 * extended:  B  [Describe P, written by the gateway]  E ──▶  T (the gateway's: consumed, plan)  D D C
 * </pre>
 *
 * Why the gateway describes the portal itself: only the portal's RowDescription gives the formats the rows really
 * come in, and clients often skip Describe once a statement is prepared. The catalog lookup is asynchronous; while
 * it runs the backend stream stops before the RowDescription (see {@code BackendFrameDecoder.PAUSE}).
 */
final class ResultMasking {
  /** One statement's masking: its rules and, once described, its plan and counts. */
  static final class Result {
    final MaskingRules rules;
    ColumnPlan plan;
    MaskCounts counts;

    Result(MaskingRules rules) {
      this.rules = rules;
    }

    /** The columns masked so far, for {@code statement.completed}; empty when no value was masked. */
    List<MaskedColumn> masked() {
      return counts == null ? List.of() : counts.columns();
    }
  }

  private static final String SCRUBBED = "****";
  private static final ContentScanner SCRUBBER = new ContentScanner(EnumSet.allOf(Classifier.class));

  private final ColumnCatalog catalog;
  private final HashKey key;
  private List<Policy.Masking> compiledFrom = List.of();
  private MaskingRules compiled;
  private Future<?> waiting;
  private boolean active;

  ResultMasking(ColumnCatalog catalog, HashKey key) {
    this.catalog = catalog;
    this.key = key;
  }

  /** The masking of a statement judged with {@code entries}; {@code null} when no rule could mask anything. */
  Result forStatement(List<Policy.Masking> entries) {
    if (entries.isEmpty()) {
      return null;
    }
    if (!entries.equals(compiledFrom)) { // a session mostly sees one set of entries: compile it once
      compiled = MaskingRules.compile(entries, key);
      compiledFrom = entries;
    }
    if (compiled.isEmpty()) {
      return null;
    }
    active = true;
    return new Result(compiled);
  }

  /**
   * Whether any statement of this session had masking rules: from then on rows, descriptions and notices are
   * inspected, and errors and notices scrubbed.
   */
  boolean active() {
    return active;
  }

  /**
   * Plans {@code result} from its RowDescription. Returns {@code false} when the catalog must be asked first: the
   * caller stops the stream before this message and hands it back once {@link #waiting()} completes.
   */
  boolean plan(Result result, Buffer rowDescription) {
    List<ResultField> fields = RowDescriptions.parse(rowDescription);
    Set<ColumnRef> refs = new HashSet<>();
    short[] formats = new short[fields.size()];
    for (int i = 0; i < formats.length; i++) {
      ResultField f = fields.get(i);
      formats[i] = f.format();
      if (f.tableOid() != 0) {
        refs.add(new ColumnRef(f.tableOid(), f.columnAttr()));
      }
    }
    Future<Map<ColumnRef, ColumnOrigin>> origins = refs.isEmpty() ? Future.succeededFuture(Map.of())
        : catalog.resolve(refs);
    if (!origins.isComplete()) {
      waiting = origins;
      return false;
    }
    if (origins.failed()) {
      throw ErrorReplies.maskingUnavailable("the column catalog did not answer");
    }
    waiting = null;
    result.plan = result.rules.plan(fields, origins.result(), formats);
    if (result.counts == null) { // a suspended portal's next Execute keeps counting into the same counts
      result.counts = new MaskCounts();
    }
    return true;
  }

  /** What a paused stream waits for; a failure ends the session ({@link ErrorReplies#maskingUnavailable}). */
  Future<?> waiting() {
    return waiting;
  }

  /** A no-data answer to the gateway's own Describe: nothing to mask. */
  void noRows(Result result) {
    result.plan = null;
  }

  Buffer row(Result result, Buffer dataRow) {
    if (result.plan == null) {
      throw ErrorReplies.maskingUnavailable("a row arrived before its description");
    }
    if (!result.plan.masksAnything()) {
      return dataRow;
    }
    try {
      return DataRowRewriter.rewrite(dataRow, result.plan, result.counts);
    } catch (IllegalArgumentException e) {
      throw ErrorReplies.maskingUnavailable("a row did not match its description");
    }
  }

  /** One row of a masked {@code COPY … TO STDOUT} (text format), planned by the describe probe. */
  Buffer copyRow(Result result, Buffer copyData) {
    if (result.plan == null) {
      throw ErrorReplies.maskingUnavailable("COPY rows arrived before their description");
    }
    if (!result.plan.masksAnything()) {
      return copyData;
    }
    try {
      Buffer row = CopyTextRows.toDataRow(copyData);
      Buffer masked = DataRowRewriter.rewrite(row, result.plan, result.counts);
      return masked == row ? copyData : CopyTextRows.toCopyData(masked);
    } catch (IllegalArgumentException e) {
      throw ErrorReplies.maskingUnavailable("a COPY row did not match its description");
    }
  }

  /** The session ended. */
  void close() {
    catalog.close();
  }

  /** DDL ran: column names may have changed. */
  void schemaChanged() {
    catalog.invalidate();
  }

  /**
   * An ErrorResponse or NoticeResponse of a session with masking rules, with every value the classifiers recognise
   * replaced: the server quotes values in its messages ({@code invalid input syntax for type integer: "4111…"}).
   */
  static ErrorResponse scrub(ErrorResponse response) {
    Map<Character, String> fields = new LinkedHashMap<>(response.fields());
    boolean changed = false;
    for (Map.Entry<Character, String> e : fields.entrySet()) {
      char code = e.getKey();
      if (code == 'S' || code == 'V' || code == 'C') {
        continue; // severity and SQLSTATE: fixed vocabularies
      }
      String scrubbed = scrubText(e.getValue());
      if (!scrubbed.equals(e.getValue())) {
        e.setValue(scrubbed);
        changed = true;
      }
    }
    return changed ? new ErrorResponse(fields) : response;
  }

  /**
   * A NotificationResponse ({@code 'A' | int32 len | int32 pid | cstring channel | cstring payload}) with every
   * value the classifiers recognise replaced in its payload: NOTIFY carries whatever text a trigger put there.
   */
  static Buffer scrubNotification(Buffer message) {
    CStrings.Reader reader = new CStrings.Reader(message, 9);
    String channel = reader.next("notification channel");
    String payload = reader.next("notification payload");
    String scrubbed = scrubText(payload);
    if (scrubbed.equals(payload)) {
      return message;
    }
    Buffer out = Buffer.buffer().appendByte(MessageTypes.BACKEND_NOTIFICATION_RESPONSE).appendInt(0)
        .appendInt(message.getInt(5));
    CStrings.append(out, channel);
    CStrings.append(out, scrubbed);
    return out.setInt(1, out.length() - 1);
  }

  static String scrubText(String text) {
    List<TextSpan> spans = SCRUBBER.find(text);
    if (spans.isEmpty()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int at = 0;
    for (TextSpan span : spans) {
      out.append(text, at, span.start()).append(SCRUBBED);
      at = span.end();
    }
    return out.append(text, at, text.length()).toString();
  }
}
