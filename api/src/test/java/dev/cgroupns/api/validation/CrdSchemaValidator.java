package dev.cgroupns.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Comparator;
import java.util.List;

/**
 * Checks a resource against a CRD's openAPIV3Schema the way the API server's schema validation
 * would, with kubectl's default strict field validation: unknown fields are errors, since a typo
 * such as {@code readonly} would otherwise silently fall back to the default.
 */
final class CrdSchemaValidator {
  private final JsonSchema schema;

  CrdSchemaValidator(JsonNode openApiV3Schema) {
    ObjectNode strict = openApiV3Schema.deepCopy();
    declareImplicitRootFields(strict);
    forbidUnknownFields(strict);
    // OpenAPI v3.0 schemas are a dialect of draft 4; x-kubernetes-* keywords are ignored here and
    // checked by the CEL evaluator instead.
    this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(strict);
  }

  List<String> validate(JsonNode resource) {
    return schema.validate(resource).stream()
        .sorted(Comparator.comparing(ValidationMessage::getMessage))
        .map(ValidationMessage::getMessage)
        .toList();
  }

  /** The server accepts apiVersion, kind and metadata on every object, declared or not. */
  private static void declareImplicitRootFields(ObjectNode root) {
    ObjectNode properties = root.with("properties");
    if (!properties.has("apiVersion")) {
      properties.putObject("apiVersion").put("type", "string");
    }
    if (!properties.has("kind")) {
      properties.putObject("kind").put("type", "string");
    }
    if (!properties.has("metadata")) {
      properties.putObject("metadata").put("type", "object");
    }
  }

  /** Objects with declared properties reject others, unless the schema says to keep them. */
  private static void forbidUnknownFields(JsonNode node) {
    if (!node.isObject()) {
      if (node.isArray()) {
        node.forEach(CrdSchemaValidator::forbidUnknownFields);
      }
      return;
    }
    ObjectNode object = (ObjectNode) node;
    if (object.has("properties")
        && !object.has("additionalProperties")
        && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      object.put("additionalProperties", false);
    }
    object.forEach(CrdSchemaValidator::forbidUnknownFields);
  }
}
