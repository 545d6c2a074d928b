package dev.portcullis.pg.codec;

import io.vertx.core.buffer.Buffer;

/** CommandComplete: {@code 'C' | int32 len | cstring tag} where the tag is e.g. {@code INSERT 0 5}, {@code SELECT 3}. */
public final class CommandTag {
  private CommandTag() {}

  public static String parse(Buffer message) {
    return new CStrings.Reader(message, 5).next("command tag");
  }

}
