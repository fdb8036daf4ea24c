package dev.cgroupns.api.validation.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cgroupns.api.crd.CrdDocuments;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kube-apiserver refuses a CRD whose rules may cost too much to evaluate; it estimates that cost
 * when the CRD is created. This is that check, without an apiserver: every rule of the CRDs in
 * crds/ within its budget, and all of a CRD's rules within theirs.
 */
class CrdCostBudgetTest {
  private static final String HINT =
      " (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays,"
          + " maps, and strings are declared)";

  static Iterable<String> crdFiles() {
    return CrdDocuments.FILES.keySet().stream().sorted().toList();
  }

  @ParameterizedTest
  @MethodSource("crdFiles")
  void everyRuleIsWithinTheApiServersBudget(String fileName) {
    JsonNode schema = CrdDocuments.schemaOf(CrdDocuments.committed(fileName));
    List<RuleCost> costs = CrdRuleCosts.of(schema);

    assertThat(costs)
        .as("rules estimated in %s", fileName)
        .hasSize(CrdRuleCosts.countRules(schema));
    assertThat(CostBudget.violations("openAPIV3Schema", costs))
        .as("kube-apiserver would refuse %s; estimated costs:%n%s", fileName, table(costs))
        .isEmpty();
  }

  /**
   * The CgroupIsolation CRD as it was before its strings had maxLength, which kube-apiserver
   * v1.36.3 refused with exactly these errors (issue 13): this test would have caught it.
   */
  @Test
  void theCrdWithoutMaxLengthIsRefusedAsTheApiServerRefusedIt() {
    JsonNode schema =
        CrdDocuments.schemaOf(CrdDocuments.committed("cgroupisolations.cgroupns.dev-v1.yml"))
            .deepCopy();
    for (String unbounded :
        List.of(
            "/properties/spec/properties/containers/items",
            "/properties/spec/properties/podSelector/properties/matchLabels/additionalProperties",
            "/properties/spec/properties/podSelector/properties/matchExpressions/items"
                + "/properties/values/items")) {
      assertThat(((ObjectNode) schema.at(unbounded)).remove("maxLength")).isNotNull();
    }

    List<String> errors = CostBudget.violations("openAPIV3Schema", CrdRuleCosts.of(schema));

    String spec = "openAPIV3Schema.properties[spec]";
    String selector = spec + ".properties[podSelector]";
    assertThat(errors)
        .contains(
            spec
                + ".properties[containers].x-kubernetes-validations[0].rule: Forbidden: estimated"
                + " rule cost exceeds budget by factor of 18.1x"
                + HINT,
            selector
                + ".properties[matchLabels].x-kubernetes-validations[1].rule: Forbidden:"
                + " estimated rule cost exceeds budget by factor of 26.2x"
                + HINT,
            selector
                + ".properties[matchExpressions].items.properties[values]"
                + ".x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget"
                + " by factor of more than 100x"
                + HINT,
            "openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule cost total for"
                + " entire OpenAPIv3 schema exceeds budget by factor of more than 100x"
                + HINT);
  }

  static String table(List<RuleCost> costs) {
    return costs.stream()
        .map(
            c ->
                String.format(
                    "  %,d = %,d x %,d  %s", c.cost(), c.maxCost(), c.cardinality(), c.path()))
        .collect(Collectors.joining("\n"));
  }
}
