package dev.portcullis.policy.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Token boundaries exactly where PostgreSQL 15 puts them. */
class PgLexerTest {

  /** "TYPE:value" per token; identifiers show their folded or decoded name. */
  private static List<String> tokens(String sql) {
    List<String> out = new ArrayList<>();
    PgLexer lexer = new PgLexer(sql);
    for (TokenType t = lexer.next(); t != TokenType.EOF; t = lexer.next()) {
      String v = t == TokenType.IDENT || t == TokenType.QUOTED_IDENT ? lexer.identifierValue() : lexer.text();
      out.add(t + ":" + v);
    }
    return out;
  }

  int tokenCount(String sql) {
    return tokens(sql).size();
  }

  @Test
  void nestedCommentIsOneComment() {
    assertEquals(List.of("IDENT:select", "NUMBER:1"), tokens("select /* a /* b */ ; */ 1"));
    assertEquals(List.of("IDENT:a", "IDENT:b"), tokens("a/**/b"));
    assertEquals(List.of("IDENT:x"), tokens("/*/ */x"));
  }

  @Test
  void standardStringKeepsBackslashAsOrdinaryCharacter() {
    assertEquals(List.of("STRING:'a\\'", "SEMICOLON:;", "IDENT:drop", "IDENT:table", "IDENT:x", "SEMICOLON:;"),
        tokens("'a\\'; DROP TABLE x; --'"));
  }

  @Test
  void escapeStringHonoursBackslashQuote() {
    assertEquals(List.of("STRING:E'\\''", "IDENT:x"), tokens("E'\\'' x"));
    assertEquals(List.of("STRING:e'a\\\\'", "OPERATOR:||", "STRING:'b'"), tokens("e'a\\\\' || 'b'"));
    assertEquals(List.of("STRING:E'it''s'"), tokens("E'it''s'"));
  }

  @Test
  void prefixOnlyAppliesToASingleLetterWord() {
    assertEquals(List.of("IDENT:abe", "STRING:'x'"), tokens("abe'x'"));
    assertEquals(List.of("STRING:B'101'", "STRING:X'ff'", "STRING:N'n'"), tokens("B'101' X'ff' N'n'"));
    assertEquals(List.of("IDENT:u", "OPERATOR:&", "IDENT:x"), tokens("u&x"));
  }

  @Test
  void dollarQuotesAndParameters() {
    assertEquals(List.of("DOLLAR_STRING:$$ ; ' $$"), tokens("$$ ; ' $$"));
    assertEquals(List.of("DOLLAR_STRING:$a$ $b$ ; $a$"), tokens("$a$ $b$ ; $a$"));
    assertEquals(List.of("PARAM:$1", "OPERATOR:+", "PARAM:$12"), tokens("$1+$12"));
    assertEquals(List.of("IDENT:a$b$"), tokens("a$b$"));
    assertEquals(List.of("DOLLAR_STRING:$_x1$y$_x1$"), tokens("$_x1$y$_x1$"));
  }

  @Test
  void unicodeIdentifiers() {
    assertEquals(List.of("QUOTED_IDENT:data"), tokens("U&\"d\\0061t\\+000061\""));
    assertEquals(List.of("QUOTED_IDENT:dat", "IDENT:x"), tokens("u&\"d!0061t\" UESCAPE '!' x"));
    assertEquals(List.of("QUOTED_IDENT:a\\b"), tokens("U&\"a\\\\b\""));
    assertEquals(List.of("QUOTED_IDENT:MiXed\"q"), tokens("\"MiXed\"\"q\""));
    assertEquals(List.of("STRING:U&'\\0041'"), tokens("U&'\\0041'"));
  }

  @Test
  void invalidUnicodeEscapeIsALexError() {
    PgLexer lexer = new PgLexer("U&\"\\00zz\"");
    lexer.next();
    assertThrows(SqlLexException.class, lexer::identifierValue);
    assertThrows(SqlLexException.class, () -> tokens("U&\"x\" UESCAPE '+'"));
  }

  @Test
  void unquotedIdentifiersFoldAsciiOnly() {
    assertEquals(List.of("IDENT:straße", "IDENT:Éa"), tokens("STRAßE Éa"));
  }

  @Test
  void numbersOperatorsAndPunctuation() {
    assertEquals(List.of("NUMBER:1.5e-3", "TYPECAST:::", "IDENT:numeric", "OPERATOR:<=", "NUMBER:.5"),
        tokens("1.5e-3::numeric <= .5"));
    assertEquals(List.of("IDENT:a", "OPERATOR:-", "NUMBER:1"), tokens("a-1"));
    assertEquals(List.of("IDENT:a", "OPERATOR:@-", "NUMBER:1"), tokens("a @-1"));
    assertEquals(List.of("NUMBER:1", "OPERATOR:..", "NUMBER:2"), tokens("1..2"));
    assertEquals(List.of("IDENT:x", "OPERATOR:*"), tokens("x */* c */"));
  }

  @Test
  void continuationNeedsANewline() {
    assertEquals(1, tokens("'a'\n'b'").size());
    assertEquals(1, tokens("'a' -- c\n  'b'").size());
    assertEquals(2, tokens("'a' 'b'").size());
    assertEquals(2, tokens("'a' /* c */\n'b'").size());
  }

  @Test
  void unterminatedConstructsNameWhatIsMissing() {
    assertTrue(assertThrows(SqlLexException.class, () -> tokens("'abc")).getMessage().contains("quoted string"));
    assertTrue(assertThrows(SqlLexException.class, () -> tokens("/* a /* b */")).getMessage().contains("comment"));
    assertTrue(assertThrows(SqlLexException.class, () -> tokens("$a$ x")).getMessage().contains("dollar"));
    assertTrue(assertThrows(SqlLexException.class, () -> tokens("\"abc")).getMessage().contains("identifier"));
    assertTrue(assertThrows(SqlLexException.class, () -> tokens("E'\\'")).getMessage().contains("quoted string"));
  }
}
