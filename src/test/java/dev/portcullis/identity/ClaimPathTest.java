package dev.portcullis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimPathTest {
  static final JsonObject CLAIMS = new JsonObject("""
      {"groups":["a","b"],"single":"solo","realm_access":{"roles":["admin"]},
       "https://example.com/groups":["ns"],"resource":{"x":7},"mixed":["a",1],"flat":"str"}""");

  List<String> read(String path) {
    return new ClaimPath(path).readStrings(CLAIMS);
  }

  @Test
  void readsTopLevelNestedSingleAndNamespacedClaims() {
    assertEquals(List.of("a", "b"), read("groups"));
    assertEquals(List.of("solo"), read("single"));
    assertEquals(List.of("admin"), read("realm_access.roles"));
    assertEquals(List.of("ns"), read("https://example.com/groups"));
  }

  @Test
  void missingMeansNoGroups() {
    assertEquals(List.of(), read("roles"));
    assertEquals(List.of(), read("realm_access.missing"));
    assertEquals(List.of(), read("flat.deeper"));
  }

  @Test
  void wrongTypesAreRefused() {
    assertEquals("malformed groups claim",
        assertThrows(TokenRejectedException.class, () -> read("resource")).getMessage());
    assertThrows(TokenRejectedException.class, () -> read("resource.x"));
    assertThrows(TokenRejectedException.class, () -> read("mixed"));
    assertThrows(IllegalArgumentException.class, () -> new ClaimPath(" "));
  }
}
