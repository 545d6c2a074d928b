package dev.portcullis.pg;

import dev.portcullis.pg.codec.BackendFrameDecoder;
import dev.portcullis.pg.codec.ErrorResponse;
import dev.portcullis.pg.codec.MessageTypes;
import io.vertx.core.buffer.Buffer;

/**
 * The masking side of the backend stream: the messages the decoder shows only once rows are inspected (row
 * descriptions, rows, COPY rows, notices, notifications), each matched to the statement of the head cycle.
 *
 * <pre>
 * T   answers the oldest Describe of the cycle (the gateway's own: consumed, plans the Execute's rows) or, with
 *     no Describe waiting, a simple Query's statement (plans its rows)
 * D d rewritten by the plan of the statement completing next
 * N A scrubbed with every classifier
 * </pre>
 *
 * {@link BackendFrameDecoder#PAUSE} stops the stream before a RowDescription while the catalog is asked.
 */
final class MaskedStream {
  private final ResultMasking masking;

  MaskedStream(ResultMasking masking) {
    this.masking = masking;
  }

  Buffer onMessage(StatementCycle head, byte type, Buffer message) {
    return switch (type) {
      case MessageTypes.BACKEND_ROW_DESCRIPTION -> onRowDescription(head, message);
      case MessageTypes.BACKEND_NO_DATA -> onNoData(head, message);
      case MessageTypes.BACKEND_DATA_ROW -> {
        ResultMasking.Result r = current(head);
        yield r == null ? message : masking.row(r, message);
      }
      case MessageTypes.BACKEND_COPY_OUT_RESPONSE -> {
        if (current(head) != null && message.getByte(5) != 0) {
          throw ErrorReplies.maskingUnavailable("a binary COPY cannot be masked");
        }
        yield message;
      }
      case MessageTypes.BACKEND_COPY_DATA -> {
        ResultMasking.Result r = current(head);
        yield r == null ? message : masking.copyRow(r, message);
      }
      case MessageTypes.BACKEND_NOTICE_RESPONSE ->
          ResultMasking.scrub(ErrorResponse.parse(message)).encode(MessageTypes.BACKEND_NOTICE_RESPONSE);
      case MessageTypes.BACKEND_NOTIFICATION_RESPONSE -> ResultMasking.scrubNotification(message);
      default -> message;
    };
  }

  /**
   * An answer to the gateway's describe probe before a masked COPY (none reaches the client), or a notice or
   * notification that merely arrived meanwhile (those go on as they would without the probe).
   */
  Buffer onProbeAnswer(StatementCycle probe, byte type, Buffer message) {
    return switch (type) {
      case MessageTypes.BACKEND_ROW_DESCRIPTION ->
          masking.plan(probe.probeFor, message) ? null : BackendFrameDecoder.PAUSE;
      case MessageTypes.BACKEND_NOTICE_RESPONSE, MessageTypes.BACKEND_NOTIFICATION_RESPONSE ->
          onMessage(probe, type, message);
      default -> null; // ParseComplete, ParameterDescription, NoData, ErrorResponse: the COPY reports for itself
    };
  }

  private Buffer onRowDescription(StatementCycle head, Buffer message) {
    if (head == null) {
      return message;
    }
    StatementCycle.DescribeSent describe = head.describes.peekFirst();
    if (describe != null) {
      if (describe.forResult() != null && !masking.plan(describe.forResult(), message)) {
        return BackendFrameDecoder.PAUSE; // asked again with the same message once the catalog answered
      }
      head.describes.pollFirst();
      return describe.forResult() != null ? null : message;
    }
    ResultMasking.Result r = current(head); // a simple Query's statement describes its own rows
    return r != null && !masking.plan(r, message) ? BackendFrameDecoder.PAUSE : message;
  }

  private Buffer onNoData(StatementCycle head, Buffer message) {
    StatementCycle.DescribeSent describe = head == null ? null : head.describes.pollFirst();
    if (describe != null && describe.forResult() != null) {
      masking.noRows(describe.forResult());
      return null;
    }
    return message;
  }

  /** The masking of the statement whose rows are arriving, or {@code null}. */
  private static ResultMasking.Result current(StatementCycle head) {
    StatementCycle.Pending p = head == null ? null : head.completions.peekFirst();
    return p == null ? null : p.masking();
  }
}
