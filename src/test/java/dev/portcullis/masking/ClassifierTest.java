package dev.portcullis.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassifierTest {
  @Test
  void configNamesRoundTrip() {
    assertEquals(List.of("card", "email", "ssn", "phone", "iban", "secret"), Classifier.configNames());
    for (Classifier c : Classifier.values()) {
      assertEquals(c, Classifier.byName(c.configName()));
    }
  }

  @Test
  void unknownNameListsTheValidOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Classifier.byName("cc"));
    assertEquals("unknown classifier 'cc' (expected one of: card, email, ssn, phone, iban, secret)", e.getMessage());
    // policy values are exact, as statement kinds and actions are
    assertThrows(IllegalArgumentException.class, () -> Classifier.byName("CARD"));
  }
}
