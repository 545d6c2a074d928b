package dev.portcullis.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Hands an object to a consumer in the same JVM without copying or serializing it. Our bus messages are immutable
 * records, or Buffers that the sender no longer touches after sending, so sharing is safe.
 *
 * <p>Clustering (forwarders next to the targets, design-notes §0) needs wire codecs; until then encoding fails
 * loudly instead of silently sending something half-serialized.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {
  private final String name;

  public LocalCodec(String name) {
    this.name = name;
  }

  @Override
  public void encodeToWire(Buffer buffer, T t) {
    throw new UnsupportedOperationException(name + " is local-only");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " is local-only");
  }

  @Override
  public T transform(T t) {
    return t;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
