package dev.cgroupns.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Applies the schema's defaults to a resource, as the API server does before validating, so that
 * rules see the same object a real cluster would.
 */
final class SchemaDefaults {
  private SchemaDefaults() {}

  static JsonNode apply(JsonNode schema, JsonNode resource) {
    JsonNode copy = resource.deepCopy();
    fill(schema, copy);
    return copy;
  }

  private static void fill(JsonNode schema, JsonNode value) {
    if (value.isObject()) {
      ObjectNode object = (ObjectNode) value;
      JsonNode properties = schema.path("properties");
      properties
          .fieldNames()
          .forEachRemaining(
              name -> {
                JsonNode propertySchema = properties.get(name);
                if (!object.has(name) && propertySchema.has("default")) {
                  object.set(name, propertySchema.get("default").deepCopy());
                }
                if (object.has(name)) {
                  fill(propertySchema, object.get(name));
                }
              });
    } else if (value.isArray()) {
      value.forEach(item -> fill(schema.path("items"), item));
    }
  }
}
