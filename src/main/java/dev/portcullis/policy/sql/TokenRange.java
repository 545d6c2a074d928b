package dev.portcullis.policy.sql;

import java.util.ArrayList;
import java.util.List;

/** A half-open slice of a statement's tokens with the small look-ups the classifiers need. */
record TokenRange(List<Token> tokens, int from, int to) {

  boolean isEmpty() {
    return from >= to;
  }

  Token at(int i) {
    return i < to ? tokens.get(i) : null;
  }

  /** The keyword at {@code i}, or "" when that is not an unquoted word. */
  String word(int i) {
    Token t = at(i);
    return t != null && t.type() == TokenType.IDENT ? t.value() : "";
  }

  boolean is(int i, TokenType type) {
    Token t = at(i);
    return t != null && t.type() == type;
  }

  TokenRange from(int newFrom) {
    return new TokenRange(tokens, newFrom, to);
  }

  TokenRange slice(int newFrom, int newTo) {
    return new TokenRange(tokens, newFrom, newTo);
  }

  /** Index of the parenthesis closing the one at {@code open}, or -1. */
  int closing(int open) {
    int depth = tokens.get(open).depth();
    for (int i = open + 1; i < to; i++) {
      Token t = tokens.get(i);
      if (t.type() == TokenType.RPAREN && t.depth() == depth) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the first unquoted {@code keyword} at the depth of {@code start}'s token, at or after start, or -1. */
  int find(int start, String keyword) {
    if (start >= to) {
      return -1;
    }
    int depth = tokens.get(start).depth();
    for (int i = start; i < to; i++) {
      Token t = tokens.get(i);
      if (t.depth() == depth && t.is(keyword)) {
        return i;
      }
    }
    return -1;
  }

  int count(String keyword) {
    int n = 0;
    for (int i = from; i < to; i++) {
      if (tokens.get(i).is(keyword)) {
        n++;
      }
    }
    return n;
  }

  /** Skips the given optional words in order, returning the index after those present. */
  int skip(int i, String... optionalWords) {
    for (String w : optionalWords) {
      if (word(i).equals(w)) {
        i++;
      }
    }
    return i;
  }

  /**
   * Reads a possibly qualified name ({@code a}, {@code s.a}, {@code "S".a}) at {@code i} into {@code parts};
   * returns the index after it, or -1 when no name starts there.
   */
  int name(int i, List<String> parts) {
    Token t = at(i);
    if (t == null || !t.isName()) {
      return -1;
    }
    parts.add(t.value());
    i++;
    while (is(i, TokenType.DOT) && at(i + 1) != null && at(i + 1).isName()) {
      parts.add(at(i + 1).value());
      i += 2;
    }
    return i;
  }

  /** Joins a name's parts as written, for settings and statement names. */
  static String joined(List<String> parts) {
    return String.join(".", parts);
  }

  static List<String> newParts() {
    return new ArrayList<>(3);
  }
}
