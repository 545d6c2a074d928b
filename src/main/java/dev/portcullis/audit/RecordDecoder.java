package dev.portcullis.audit;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.SessionEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Turns one Kafka record value into an {@link EventRow}, or a {@link DeadLetter} saying why it cannot be one. */
public final class RecordDecoder {
  /** What one record became. */
  public sealed interface Decoded permits Stored, Rejected {}

  public record Stored(EventRow row) implements Decoded {}

  public record Rejected(DeadLetter letter) implements Decoded {}

  private RecordDecoder() {}

  public static Decoded decode(EventRow.Source source, byte[] key, byte[] value) {
    if (value == null) {
      return reject(source, key, value, "record has no value");
    }
    String json;
    try {
      json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      return reject(source, key, value, "value is not UTF-8");
    }
    // PostgreSQL text and jsonb cannot hold NUL; storing such an event would fail its batch forever.
    if (json.indexOf('\0') >= 0 || json.contains("\\u0000")) {
      return reject(source, key, value, "value contains a NUL character, which PostgreSQL cannot store as text");
    }
    SessionEvent event;
    try {
      event = EventJson.decode(json);
    } catch (RuntimeException e) {
      return reject(source, key, value, "not a Portcullis event: " + e.getMessage());
    }
    if (event.id() == null || event.id().isBlank() || event.type() == null || event.session().sessionId() == null) {
      return reject(source, key, value, "not a Portcullis event: id, type or sessionId missing");
    }
    return new Stored(EventRow.of(event, json, source));
  }

  private static Rejected reject(EventRow.Source source, byte[] key, byte[] value, String error) {
    String clean = error == null ? "unknown error" : error.replace('\0', '?');
    if (clean.length() > 2000) {
      clean = clean.substring(0, 2000) + "…";
    }
    return new Rejected(new DeadLetter(source, key, value, clean));
  }
}
