package dev.cgroupns.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cgroupns.api.crd.CrdDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Validates resources of this project's kinds as an API server would on admission: defaults, the
 * openAPIV3Schema (strict about unknown fields) and the CEL rules. No API server that enforces
 * admission can run in tests, so this is how the CRDs' rules are proven. Shared with other modules'
 * tests through the api test-jar.
 */
public final class CrdValidator {
  private final Map<String, Kind> kinds;

  private record Kind(JsonNode schema, CrdSchemaValidator structural, CelRuleEvaluator rules) {}

  private CrdValidator(Map<String, Kind> kinds) {
    this.kinds = kinds;
  }

  /** A validator for the CRDs checked into crds/. */
  public static CrdValidator forCommittedCrds() {
    Map<String, Kind> kinds = new java.util.HashMap<>();
    for (String file : CrdDocuments.FILES.keySet()) {
      JsonNode crd = CrdDocuments.committed(file);
      JsonNode schema = CrdDocuments.schemaOf(crd);
      String kind = crd.at("/spec/names/kind").asText();
      kinds.put(
          kind, new Kind(schema, new CrdSchemaValidator(schema), new CelRuleEvaluator(schema)));
    }
    return new CrdValidator(kinds);
  }

  public boolean knows(String kind) {
    return kinds.containsKey(kind);
  }

  /** Every problem with a resource about to be created; empty when it would be admitted. */
  public List<String> validateCreate(JsonNode resource) {
    Kind kind = kindOf(resource);
    JsonNode defaulted = SchemaDefaults.apply(kind.schema(), resource);
    List<String> errors = new ArrayList<>(kind.structural().validate(defaulted));
    if (errors.isEmpty()) {
      // The server runs CEL only on structurally valid objects; so do we.
      errors.addAll(kind.rules().validate(defaulted));
    }
    return errors;
  }

  /** Every problem with an update from oldResource to newResource, transition rules included. */
  public List<String> validateUpdate(JsonNode oldResource, JsonNode newResource) {
    Kind kind = kindOf(newResource);
    JsonNode defaulted = SchemaDefaults.apply(kind.schema(), newResource);
    List<String> errors = new ArrayList<>(kind.structural().validate(defaulted));
    if (errors.isEmpty()) {
      errors.addAll(
          kind.rules().validateUpdate(SchemaDefaults.apply(kind.schema(), oldResource), defaulted));
    }
    return errors;
  }

  /** Every CEL rule in every schema, for a test that proves they all compile. */
  public List<String> allRules() {
    List<String> rules = new ArrayList<>();
    kinds.values().forEach(k -> k.schema().findValues("rule").forEach(r -> rules.add(r.asText())));
    return rules;
  }

  public static void compileRule(String rule) {
    CelRuleEvaluator.compile(rule);
  }

  private Kind kindOf(JsonNode resource) {
    String kind = resource.path("kind").asText();
    Kind k = kinds.get(kind);
    if (k == null) {
      throw new IllegalArgumentException("not a kind of this project: " + kind);
    }
    return k;
  }
}
