package dev.portcullis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.policy.Decision;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void denyMessageNamesRuleAndPolicy() {
    assertEquals("portcullis: denied by rule 'no-ddl' of policy 'p': DDL is not allowed",
        new Decision.Deny("p", "no-ddl", "DDL is not allowed").clientMessage());
  }
}
