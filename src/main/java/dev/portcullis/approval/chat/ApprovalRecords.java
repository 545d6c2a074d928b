package dev.portcullis.approval.chat;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalEvents;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads approval events out of Kafka records. A record that is not one (bad bytes, bad JSON, another type, missing
 * fields) is logged by its place — topic, partition, offset — and skipped: one bad record must not stop the bot,
 * and its content is not logged.
 */
final class ApprovalRecords {
  private static final Logger log = LoggerFactory.getLogger(ApprovalRecords.class);

  private ApprovalRecords() {}

  /** The request in {@code r}, or null (logged) when it holds none. */
  static ApprovalRequest request(ConsumerRecord<byte[], byte[]> r) {
    SessionEvent e = event(r, EventType.APPROVAL_REQUESTED);
    if (e == null) {
      return null;
    }
    try {
      return ApprovalEvents.request(e);
    } catch (RuntimeException ex) {
      skip(r, ex.getMessage());
      return null;
    }
  }

  /** The decision in {@code r}, or null (logged) when it holds none. */
  static ApprovalDecision decision(ConsumerRecord<byte[], byte[]> r) {
    SessionEvent e = event(r, EventType.APPROVAL_DECIDED);
    if (e == null) {
      return null;
    }
    try {
      return ApprovalEvents.decision(e);
    } catch (RuntimeException ex) {
      skip(r, ex.getMessage());
      return null;
    }
  }

  private static SessionEvent event(ConsumerRecord<byte[], byte[]> r, String type) {
    if (r.value() == null) {
      skip(r, "no value");
      return null;
    }
    String json;
    try {
      json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(r.value())).toString();
    } catch (CharacterCodingException e) {
      skip(r, "value is not UTF-8");
      return null;
    }
    SessionEvent e;
    try {
      e = EventJson.decode(json);
    } catch (RuntimeException ex) {
      skip(r, "not a Portcullis event");
      return null;
    }
    if (!type.equals(e.type())) {
      skip(r, "type " + e.type() + ", expected " + type);
      return null;
    }
    return e;
  }

  private static void skip(ConsumerRecord<byte[], byte[]> r, String why) {
    String reason = why == null ? "malformed" : why.length() > 200 ? why.substring(0, 200) + "…" : why;
    log.warn("skipped record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), reason);
  }
}
