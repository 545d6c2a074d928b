package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Set;

/** Validates event JSON against the published schemas in src/main/resources/schemas (loaded from the classpath). */
public final class EventSchemas {
  private static final String BASE = "https://portcullis.dev/schemas/events/v1/";
  private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
      b -> b.schemaMappers(m -> m.mapPrefix(BASE, "classpath:schemas/")));
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

  private EventSchemas() {}

  public static Set<ValidationMessage> problems(String type, String json) {
    JsonSchema schema = FACTORY.getSchema(SchemaLocation.of(BASE + type + ".schema.json"), CONFIG);
    return schema.validate(json, InputFormat.JSON);
  }

  public static void assertValid(String json) {
    String type = new io.vertx.core.json.JsonObject(json).getString("type");
    Set<ValidationMessage> problems = problems(type, json);
    assertTrue(problems.isEmpty(), () -> type + " does not match its schema: " + problems + "\n" + json);
    assertEquals(Set.of(), problems("envelope", json));
  }
}
