package dev.cgroupns.api.validation.cost;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every x-kubernetes-validations rule of a CRD schema with its estimated cost, found by walking the
 * schema as kube-apiserver's CRD validation does (ValidateCustomResourceDefinitionOpenAPISchema and
 * cel_validation.go in apiextensions-apiserver).
 *
 * <p>A rule's cardinality is the product of the maxItems and maxProperties of the lists and maps it
 * is nested in, the rule's own node excluded. Under a list or map without such a bound, the
 * apiserver instead assumes as many copies of the rule's node as fit in a 3 MiB request.
 */
final class CrdRuleCosts {
  private CrdRuleCosts() {}

  static List<RuleCost> of(JsonNode openApiV3Schema) {
    List<RuleCost> costs = new ArrayList<>();
    walk("openAPIV3Schema", openApiV3Schema, true, 1L, costs);
    return costs;
  }

  /** The number of rules in a schema, for checking that {@link #of} found them all. */
  static int countRules(JsonNode openApiV3Schema) {
    return openApiV3Schema.findValues("x-kubernetes-validations").stream()
        .mapToInt(JsonNode::size)
        .sum();
  }

  /**
   * @param cardinality how many times this node may occur in one object, or null when unbounded
   */
  private static void walk(
      String path, JsonNode schema, boolean root, Long cardinality, List<RuleCost> costs) {
    JsonNode rules = schema.path("x-kubernetes-validations");
    if (rules.size() > 0) {
      SchemaDecl self = SchemaDecl.of(schema, root);
      for (int i = 0; i < rules.size(); i++) {
        String rulePath = path + ".x-kubernetes-validations[" + i + "].rule";
        costs.add(estimate(rulePath, rules.get(i), self, cardinality));
      }
    }
    Long childCardinality = multiply(cardinality, elementsPerInstance(schema));
    for (Map.Entry<String, JsonNode> property :
        (Iterable<Map.Entry<String, JsonNode>>) schema.path("properties")::fields) {
      walk(
          path + ".properties[" + property.getKey() + "]",
          property.getValue(),
          false,
          childCardinality,
          costs);
    }
    if (schema.path("items").isObject()) {
      walk(path + ".items", schema.get("items"), false, childCardinality, costs);
    }
    if (schema.path("additionalProperties").isObject()) {
      walk(
          path + ".additionalProperties",
          schema.get("additionalProperties"),
          false,
          childCardinality,
          costs);
    }
  }

  private static RuleCost estimate(String path, JsonNode rule, SchemaDecl self, Long cardinality) {
    String text = rule.path("rule").asText();
    try {
      for (String field : new String[] {"messageExpression", "optionalOldSelf"}) {
        if (rule.has(field)) {
          throw new NotEstimableException(field + " is not modelled");
        }
      }
      long maxCost = CelCostEstimator.maxCost(RuleCompiler.compile(text, self), self);
      long times =
          cardinality != null
              ? cardinality
              // One comma at least between copies of the node.
              : SchemaDecl.MAX_REQUEST_SIZE_BYTES / (self.minSerializedSize + 1);
      return new RuleCost(path, text, maxCost, times);
    } catch (NotEstimableException e) {
      throw new NotEstimableException(
          "cannot estimate " + path + " (" + text + "): " + e.getMessage());
    }
  }

  /**
   * How many of each child a node may hold (extractMaxElements): a list's maxItems, a map's
   * maxProperties, null if the list or map is unbounded, and 1 for an object's properties.
   */
  private static Long elementsPerInstance(JsonNode schema) {
    String type = schema.path("type").asText();
    if (type.equals("array")) {
      return schema.has("maxItems") ? Math.max(0, schema.get("maxItems").asLong()) : null;
    }
    if (type.equals("object") && schema.has("additionalProperties")) {
      return schema.has("maxProperties") ? Math.max(0, schema.get("maxProperties").asLong()) : null;
    }
    return 1L;
  }

  private static Long multiply(Long cardinality, Long factor) {
    return cardinality == null || factor == null ? null : CostMath.multiply(cardinality, factor);
  }
}
