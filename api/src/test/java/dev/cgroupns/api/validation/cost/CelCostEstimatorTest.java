package dev.cgroupns.api.validation.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cgroupns.api.crd.CrdDocuments;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The estimator against numbers kube-apiserver produced for the same rules: each rule in
 * cost/estimator-cases.yml carries the maxCost and cardinality that v1.36.3 estimated for it.
 */
class CelCostEstimatorTest {
  private static final Pattern MEASURED =
      Pattern.compile("apiserver: maxCost=(\\d+) cardinality=(\\d+)");

  static List<RuleCost> cases() throws IOException {
    return CrdRuleCosts.of(CrdDocuments.schemaOf(fixture()));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void estimatesWhatTheApiServerEstimated(RuleCost estimate) throws IOException {
    Matcher measured = MEASURED.matcher(messageOf(estimate.rule()));
    assertThat(measured.matches()).as("measurement in the message of %s", estimate.rule()).isTrue();

    assertThat(estimate.maxCost())
        .as("maxCost of %s", estimate.rule())
        .isEqualTo(Long.parseLong(measured.group(1)));
    assertThat(estimate.cardinality())
        .as("cardinality of %s", estimate.rule())
        .isEqualTo(Long.parseLong(measured.group(2)));
  }

  @Test
  void everyCaseIsEstimated() throws IOException {
    assertThat(cases()).hasSize(CrdRuleCosts.countRules(CrdDocuments.schemaOf(fixture())));
  }

  @Test
  void refusesAFunctionItHasNoCostModelFor() {
    JsonNode schema =
        yaml(
            "type: object\n"
                + "properties:\n"
                + "  replicas:\n"
                + "    type: string\n"
                + "    maxLength: 5\n"
                + "    x-kubernetes-validations:\n"
                + "      - rule: int(self) > 0\n");

    assertThatThrownBy(() -> CrdRuleCosts.of(schema))
        .isInstanceOf(NotEstimableException.class)
        .hasMessageContaining("openAPIV3Schema.properties[replicas].x-kubernetes-validations[0]")
        .hasMessageContaining("int(self) > 0")
        .hasMessageContaining("no cost model for function int");
  }

  @Test
  void refusesARuleThatCallsAKubernetesLibrary() {
    JsonNode schema =
        yaml(
            "type: object\n"
                + "x-kubernetes-validations:\n"
                + "  - rule: self.name.lowerAscii() == self.name\n"
                + "properties:\n"
                + "  name:\n"
                + "    type: string\n");

    assertThatThrownBy(() -> CrdRuleCosts.of(schema))
        .isInstanceOf(NotEstimableException.class)
        .hasMessageContaining("lowerAscii");
  }

  @Test
  void wordsTheFactorAsTheApiServerDoes() {
    long limit = CostBudget.STATIC_ESTIMATED_COST_LIMIT;
    assertThat(CostBudget.exceeds("estimated rule cost", 181_194_306, limit))
        .startsWith("estimated rule cost exceeds budget by factor of 18.1x (try simplifying");
    assertThat(CostBudget.exceeds("c", 12_000_000, limit)).contains("factor of 1.200000x");
    assertThat(CostBudget.exceeds("c", 1_000_000_001, limit)).contains("factor of more than 100x");
  }

  private static String messageOf(String rule) throws IOException {
    for (JsonNode validation : fixture().findValues("x-kubernetes-validations")) {
      for (JsonNode v : validation) {
        if (v.path("rule").asText().equals(rule)) {
          return v.path("message").asText();
        }
      }
    }
    throw new AssertionError("rule not in the fixture: " + rule);
  }

  private static JsonNode fixture() throws IOException {
    try (InputStream in =
        CelCostEstimatorTest.class.getResourceAsStream("/cost/estimator-cases.yml")) {
      return CrdDocuments.YAML.readTree(in);
    }
  }

  private static JsonNode yaml(String text) {
    try {
      return CrdDocuments.YAML.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
