package dev.portcullis.masking;

import static dev.portcullis.masking.WireMessages.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.policy.Policy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MaskingRulesTest {
  private static final HashKey KEY = HashKey.of(MaskStrategyTest.filled(2));
  private static final int CUSTOMERS = 16400;
  private static final int VIEW = 16500;
  private static final Map<ColumnRef, ColumnOrigin> ORIGINS = Map.of(
      new ColumnRef(CUSTOMERS, (short) 1), ColumnOrigin.of("public.customers.id"),
      new ColumnRef(CUSTOMERS, (short) 2), ColumnOrigin.of("public.customers.card_number"),
      new ColumnRef(CUSTOMERS, (short) 3), ColumnOrigin.of("public.customers.Email"),
      new ColumnRef(VIEW, (short) 1), new ColumnOrigin("public.v_contacts.contact",
          List.of("public.customers.Email", "public.partners.email")));

  private static Policy.Masking columns(String name, String strategy, String... globs) {
    return new Policy.Masking(name, List.of(globs), List.of(), Set.of(), strategy);
  }

  private static Policy.Masking names(String name, String strategy, String... globs) {
    return new Policy.Masking(name, List.of(), List.of(globs), Set.of(), strategy);
  }

  private static Policy.Masking classifiers(String name, String strategy, Classifier... cs) {
    return new Policy.Masking(name, List.of(), List.of(), Set.of(cs), strategy);
  }

  private static ColumnPlan plan(List<Policy.Masking> entries, ResultField... fields) {
    return MaskingRules.compile(entries, KEY).plan(List.of(fields), ORIGINS, new short[fields.length]);
  }

  private static String described(ColumnMask m) {
    return m == null ? null : m.describe();
  }

  @Test
  void emptyWithoutEntries() {
    assertTrue(MaskingRules.compile(List.of(), KEY).isEmpty());
    assertFalse(MaskingRules.compile(List.of(classifiers("c", "redact", Classifier.EMAIL)), KEY).isEmpty());
    ColumnPlan p = plan(List.of(), field("id", CUSTOMERS, 1, 20, 0));
    assertFalse(p.masksAnything());
    assertEquals(List.of(), p.descriptions());
  }

  @Test
  void columnGlobsMatchTheCatalogNameWithinEachPart() {
    ColumnPlan p = plan(List.of(columns("cards", "partial", "*.*.card_number")),
        field("id", CUSTOMERS, 1, 20, 0), field("card", CUSTOMERS, 2, PgTypes.TEXT, 0));
    assertNull(p.mask(0));
    assertEquals("partial by rule 'cards'", described(p.mask(1)));
    assertEquals("public.customers.card_number", p.column(1), "events name the source column");
    assertEquals(List.of("public.customers.card_number: partial by rule 'cards'"), p.descriptions());
    assertNull(plan(List.of(columns("x", "redact", "public.*.number")), field("c", CUSTOMERS, 2, 25, 0)).mask(0),
        "* does not cross a dot");
    assertNull(plan(List.of(columns("x", "redact", "public.customers.email")), field("e", CUSTOMERS, 3, 25, 0))
        .mask(0), "case-sensitive like the catalog");
    assertEquals("redact by rule 'x'", described(plan(List.of(columns("x", "redact", "public.cust?mers.Em*")),
        field("e", CUSTOMERS, 3, 25, 0)).mask(0)));
  }

  @Test
  void viewColumnsMatchThroughTheirBaseColumns() {
    ColumnPlan p = plan(List.of(columns("mail", "hash", "public.partners.email")), field("contact", VIEW, 1, 25, 0));
    assertEquals("hash by rule 'mail'", described(p.mask(0)));
  }

  @Test
  void expressionsAndUnresolvedColumnsMatchOnlyByName() {
    List<Policy.Masking> rules = List.of(columns("c", "redact", "*.*.*"), names("n", "partial", "*card*"));
    ColumnPlan p = plan(rules, field("?column?", 0, 0, 25, 0), field("My_Card_No", 0, 0, 25, 0),
        field("gone", 99999, 4, 25, 0));
    assertNull(p.mask(0));
    assertEquals("partial by rule 'n'", described(p.mask(1)), "names ignore case");
    assertNull(p.mask(2));
    assertEquals("gone", p.column(2));
  }

  @Test
  void theMostRestrictiveMatchingStrategyWins() {
    List<Policy.Masking> rules = List.of(columns("a", "partial", "*.*.card_number"), names("b", "null", "card"),
        columns("c", "hash", "public.customers.*"), names("d", "redact", "card"));
    ColumnPlan p = plan(rules, field("card", CUSTOMERS, 2, 25, 0), field("number", CUSTOMERS, 2, 25, 0),
        field("id", CUSTOMERS, 1, 20, 0));
    assertEquals("null by rule 'b'", described(p.mask(0)));
    assertEquals("hash by rule 'c'", described(p.mask(1)));
    assertEquals("hash by rule 'c'", described(p.mask(2)));
  }

  @Test
  void otherColumnsAreScannedByTheUnionOfClassifiers() {
    List<Policy.Masking> rules = List.of(columns("a", "partial", "*.*.card_number"),
        classifiers("b", "partial", Classifier.EMAIL), classifiers("c", "hash", Classifier.CARD, Classifier.EMAIL));
    ColumnPlan p = plan(rules, field("card", CUSTOMERS, 2, 25, 0), field("note", 0, 0, 25, 0));
    assertFalse(p.mask(0).inspectsContent());
    ColumnMask content = p.mask(1);
    assertTrue(content.inspectsContent());
    assertEquals(Set.of(Classifier.EMAIL, Classifier.CARD), content.scanner().enabled());
    assertEquals("hash of card, email matches by rule 'b,c'", content.describe());
  }

  @Test
  void keepsTheFormatsTheClientReceivesAndTheTypes() {
    ColumnPlan p = MaskingRules.compile(List.of(names("n", "redact", "*")), KEY).plan(
        List.of(field("a", 0, 0, 25, 0), field("b", 0, 0, 20, 0)), Map.of(), new short[] {1, 0});
    assertEquals(1, p.format(0));
    assertEquals(0, p.format(1));
    assertEquals(20, p.typeOid(1));
    assertThrows(IllegalArgumentException.class, () -> MaskingRules.compile(List.of(), KEY)
        .plan(List.of(field("a", 0, 0, 25, 0)), Map.of(), new short[2]));
  }

  @Test
  void refusesColumnGlobsWithoutThreeParts() {
    for (String glob : List.of("*.card_number", "card_number", "a.b.c.d", "a..c", "*.*.")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> MaskingRules.compile(List.of(columns("p#1", "redact", glob)), KEY), glob);
      assertTrue(e.getMessage().contains("'p#1'") && e.getMessage().contains("three"), e.getMessage());
    }
  }

  @Test
  void globCharactersOtherThanWildcardsAreLiteral() {
    ColumnPlan p = plan(List.of(names("n", "redact", "a+b(c)")), field("a+b(c)", 0, 0, 25, 0),
        field("aab(c)", 0, 0, 25, 0));
    assertEquals("redact by rule 'n'", described(p.mask(0)));
    assertNull(p.mask(1));
  }
}
