package dev.portcullis.pg.codec;

import io.vertx.core.buffer.Buffer;

/** CommandComplete: {@code 'C' | int32 len | cstring tag} where the tag is e.g. {@code INSERT 0 5}, {@code SELECT 3}. */
public final class CommandTag {
  private CommandTag() {}

  public static String parse(Buffer message) {
    return new CStrings.Reader(message, 5).next("command tag");
  }

  /** Rows affected or returned: the tag's last word when it is a number (SELECT, INSERT, UPDATE, COPY…), else 0. */
  public static long rows(String tag) {
    int space = tag.lastIndexOf(' ');
    if (space < 0) {
      return 0;
    }
    try {
      return Long.parseLong(tag.substring(space + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
