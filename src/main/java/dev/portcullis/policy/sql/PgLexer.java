package dev.portcullis.policy.sql;

/**
 * A streaming scanner that cuts text into tokens exactly where PostgreSQL 15's scanner does, with
 * {@code standard_conforming_strings = on} and UTF8: nested block comments, backslash as an ordinary character in
 * {@code '…'}, E-strings, dollar quotes, {@code U&} identifiers and strings with {@code UESCAPE}, and string
 * continuation across a newline. Lexing the way the server does is what keeps a {@code ;} or a quote hidden in a
 * comment from splitting a statement differently than the server will.
 *
 * <p>It allocates nothing per token: {@link #next()} returns the type and leaves the span in {@link #start()} /
 * {@link #end()}; {@link #identifierValue()} decodes on demand.
 */
final class PgLexer {
  private final String s;
  private final int limit;
  private int pos;
  private int start;
  private int end;
  private TokenType type;
  private int uescape = -1; // the UESCAPE character of the current U& token, -1 for none, '\\' by default

  PgLexer(String text) {
    this(text, 0, text.length());
  }

  PgLexer(String text, int from, int to) {
    this.s = text;
    this.pos = from;
    this.limit = to;
  }

  int start() {
    return start;
  }

  int end() {
    return end;
  }

  TokenType type() {
    return type;
  }

  CharSequence source() {
    return s;
  }

  String text() {
    return s.substring(start, end);
  }

  /** Scans the next token, skipping whitespace and comments. */
  TokenType next() {
    skipSpaceAndComments();
    start = pos;
    uescape = -1;
    if (pos >= limit) {
      end = pos;
      return type = TokenType.EOF;
    }
    char c = s.charAt(pos);
    char c1 = pos + 1 < limit ? s.charAt(pos + 1) : 0;
    TokenType t;
    if (c1 == '\'' && (c == 'e' || c == 'E')) {
      pos = PgText.scanQuoted(s, pos + 2, limit, true, start);
      t = TokenType.STRING;
    } else if (c1 == '\'' && (c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N')) {
      pos = PgText.scanQuoted(s, pos + 2, limit, false, start);
      t = TokenType.STRING;
    } else if ((c == 'u' || c == 'U') && c1 == '&' && pos + 2 < limit
        && (s.charAt(pos + 2) == '\'' || s.charAt(pos + 2) == '"')) {
      boolean ident = s.charAt(pos + 2) == '"';
      pos = ident ? PgText.scanQuotedIdent(s, pos + 3, limit, start)
          : PgText.scanQuoted(s, pos + 3, limit, false, start);
      pos = scanUescape(pos);
      t = ident ? TokenType.QUOTED_IDENT : TokenType.STRING;
    } else if (c == '\'') {
      pos = PgText.scanQuoted(s, pos + 1, limit, false, start);
      t = TokenType.STRING;
    } else if (c == '"') {
      pos = PgText.scanQuotedIdent(s, pos + 1, limit, start);
      t = TokenType.QUOTED_IDENT;
    } else if (PgText.isIdentStart(c)) {
      pos++;
      while (pos < limit && PgText.isIdentCont(s.charAt(pos))) {
        pos++;
      }
      t = TokenType.IDENT;
    } else if (c >= '0' && c <= '9' || c == '.' && c1 >= '0' && c1 <= '9') {
      pos = scanNumber(pos);
      t = TokenType.NUMBER;
    } else if (c == '$') {
      t = scanDollar();
    } else {
      t = scanPunctuation(c, c1);
    }
    end = pos;
    return type = t;
  }

  /** The identifier's name as PostgreSQL sees it: ASCII folded to lower case, or the quoted text decoded. */
  String identifierValue() {
    if (type == TokenType.IDENT) {
      return foldLower(s, start, end);
    }
    if (s.charAt(start) == '"') {
      return unquoteIdent(start + 1);
    }
    int close = closingQuoteOfUnicodeIdent();
    return UnicodeEscapes.decode(unquoteIdent(start + 3, close), uescape);
  }

  /** Appends the token's text, folding an unquoted identifier, without an intermediate String. */
  void appendFolded(StringBuilder out) {
    for (int i = start; i < end; i++) {
      char ch = s.charAt(i);
      out.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + ('a' - 'A')) : ch);
    }
  }

  private int closingQuoteOfUnicodeIdent() {
    int i = start + 3;
    while (true) {
      if (s.charAt(i) == '"') {
        if (i + 1 < end && s.charAt(i + 1) == '"') {
          i += 2;
          continue;
        }
        return i;
      }
      i++;
    }
  }

  private String unquoteIdent(int from) {
    int i = from;
    while (!(s.charAt(i) == '"' && (i + 1 >= limit || s.charAt(i + 1) != '"'))) {
      i += s.charAt(i) == '"' ? 2 : 1;
    }
    return unquoteIdent(from, i);
  }

  private String unquoteIdent(int from, int close) {
    String body = s.substring(from, close);
    return body.indexOf('"') < 0 ? body : body.replace("\"\"", "\"");
  }

  static String foldLower(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char ch = text.charAt(i);
      if (ch >= 'A' && ch <= 'Z') {
        char[] out = text.substring(from, to).toCharArray();
        for (int j = i - from; j < out.length; j++) {
          if (out[j] >= 'A' && out[j] <= 'Z') {
            out[j] += 'a' - 'A';
          }
        }
        return new String(out);
      }
    }
    return text.substring(from, to);
  }

  private void skipSpaceAndComments() {
    while (pos < limit) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        pos++;
      } else if (c == '-' && pos + 1 < limit && s.charAt(pos + 1) == '-') {
        pos = PgText.skipLineComment(s, pos, limit);
      } else if (c == '/' && pos + 1 < limit && s.charAt(pos + 1) == '*') {
        pos = skipBlockComment(pos);
      } else {
        return;
      }
    }
  }

  private int skipBlockComment(int from) {
    int depth = 1;
    int i = from + 2;
    while (i < limit) {
      char c = s.charAt(i);
      if (c == '/' && i + 1 < limit && s.charAt(i + 1) == '*') {
        depth++;
        i += 2;
      } else if (c == '*' && i + 1 < limit && s.charAt(i + 1) == '/') {
        i += 2;
        if (--depth == 0) {
          return i;
        }
      } else {
        i++;
      }
    }
    throw new SqlLexException("unterminated /* comment at offset " + from);
  }

  /** After a U& token: an optional {@code UESCAPE 'c'} (comments and whitespace allowed between). */
  private int scanUescape(int after) {
    uescape = '\\';
    int saved = pos;
    pos = after;
    skipSpaceAndComments();
    if (pos + 7 <= limit && s.regionMatches(true, pos, "uescape", 0, 7)
        && (pos + 7 == limit || !PgText.isIdentCont(s.charAt(pos + 7)))) {
      pos += 7;
      skipSpaceAndComments();
      if (pos + 3 <= limit && s.charAt(pos) == '\'' && s.charAt(pos + 2) == '\''
          && (pos + 3 == limit || s.charAt(pos + 3) != '\'')) {
        char e = s.charAt(pos + 1);
        if (UnicodeEscapes.isValidEscapeChar(e)) {
          uescape = e;
          return pos + 3;
        }
      }
      throw new SqlLexException("invalid UESCAPE clause at offset " + start);
    }
    pos = saved;
    return after;
  }

  private int scanNumber(int from) {
    int i = from;
    while (i < limit && PgText.isDigit(s.charAt(i))) {
      i++;
    }
    if (i < limit && s.charAt(i) == '.' && !(i + 1 < limit && s.charAt(i + 1) == '.')) {
      i++;
      while (i < limit && PgText.isDigit(s.charAt(i))) {
        i++;
      }
    }
    if (i < limit && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < limit && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
        j++;
      }
      if (j < limit && PgText.isDigit(s.charAt(j))) {
        i = j;
        while (i < limit && PgText.isDigit(s.charAt(i))) {
          i++;
        }
      }
    }
    return i;
  }

  private TokenType scanDollar() {
    int i = pos + 1;
    if (i < limit && PgText.isDigit(s.charAt(i))) {
      while (i < limit && PgText.isDigit(s.charAt(i))) {
        i++;
      }
      pos = i;
      return TokenType.PARAM;
    }
    if (i < limit && PgText.isIdentStart(s.charAt(i))) {
      while (i < limit && PgText.isDollarTagCont(s.charAt(i))) {
        i++;
      }
    }
    if (i < limit && s.charAt(i) == '$') {
      String delimiter = s.substring(pos, i + 1);
      int close = s.indexOf(delimiter, i + 1);
      if (close < 0 || close + delimiter.length() > limit) {
        throw new SqlLexException("unterminated dollar-quoted string at offset " + pos);
      }
      pos = close + delimiter.length();
      return TokenType.DOLLAR_STRING;
    }
    pos++; // a lone '$': the server rejects it
    return TokenType.OTHER;
  }

  private TokenType scanPunctuation(char c, char c1) {
    switch (c) {
      case '(': pos++; return TokenType.LPAREN;
      case ')': pos++; return TokenType.RPAREN;
      case '[': pos++; return TokenType.LBRACKET;
      case ']': pos++; return TokenType.RBRACKET;
      case ',': pos++; return TokenType.COMMA;
      case ';': pos++; return TokenType.SEMICOLON;
      case '.':
        pos += c1 == '.' ? 2 : 1;
        return c1 == '.' ? TokenType.OPERATOR : TokenType.DOT;
      case ':':
        if (c1 == ':') {
          pos += 2;
          return TokenType.TYPECAST;
        }
        pos += c1 == '=' ? 2 : 1;
        return c1 == '=' ? TokenType.OPERATOR : TokenType.COLON;
      default:
        if (PgText.isOpChar(c)) {
          scanOperator();
          return TokenType.OPERATOR;
        }
        pos++;
        return TokenType.OTHER;
    }
  }

  /** PostgreSQL's operator rule: longest run of operator characters, cut before a comment start. */
  private void scanOperator() {
    int i = pos;
    while (i < limit && PgText.isOpChar(s.charAt(i))) {
      if (i > pos && (s.charAt(i) == '*' && s.charAt(i - 1) == '/' || s.charAt(i) == '-' && s.charAt(i - 1) == '-')) {
        i--; // the comment starts at i-1
        break;
      }
      i++;
    }
    int n = i - pos;
    if (n > 1 && (s.charAt(i - 1) == '+' || s.charAt(i - 1) == '-')) {
      boolean keepsTrailing = false;
      for (int k = pos; k < i; k++) {
        if ("~!@#^&|`?%".indexOf(s.charAt(k)) >= 0) {
          keepsTrailing = true;
          break;
        }
      }
      if (!keepsTrailing) {
        while (n > 1 && (s.charAt(pos + n - 1) == '+' || s.charAt(pos + n - 1) == '-')) {
          n--;
        }
      }
    }
    pos += n;
  }
}
