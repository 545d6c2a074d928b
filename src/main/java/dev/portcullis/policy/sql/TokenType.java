package dev.portcullis.policy.sql;

/** The token classes of PostgreSQL's scanner that policy analysis distinguishes. */
enum TokenType {
  /** Unquoted identifier or keyword; its value is folded to lower case. */
  IDENT,
  /** {@code "…"} or {@code U&"…"} identifier; its value is the decoded name, case kept. */
  QUOTED_IDENT,
  /** Any string constant: {@code '…'}, E, B, X, N, U&, including adjacent-line continuations. */
  STRING,
  /** {@code $tag$…$tag$}. */
  DOLLAR_STRING,
  NUMBER,
  /** {@code $1}. */
  PARAM,
  OPERATOR,
  LPAREN,
  RPAREN,
  LBRACKET,
  RBRACKET,
  COMMA,
  DOT,
  SEMICOLON,
  COLON,
  /** {@code ::}. */
  TYPECAST,
  /** A character PostgreSQL's grammar rejects anyway (a lone {@code $}, a backslash…). */
  OTHER,
  EOF;

  boolean isLiteral() {
    return this == STRING || this == DOLLAR_STRING || this == NUMBER;
  }
}
