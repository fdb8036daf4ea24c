package dev.cgroupns.sandbox.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SimpleJsonPathTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode doc(String json) throws Exception {
    return JSON.readTree(json);
  }

  @Test
  void fieldStepsSelectNestedValues() throws Exception {
    JsonNode object = doc("{\"status\":{\"matched\":3,\"summary\":{\"failed\":1}}}");
    assertThat(SimpleJsonPath.compile(".status.matched").first(object).asInt()).isEqualTo(3);
    assertThat(SimpleJsonPath.compile("{.status.summary.failed}").first(object).asInt())
        .isEqualTo(1);
    assertThat(SimpleJsonPath.compile(".status.missing").first(object)).isNull();
  }

  @Test
  void equalityFilterPicksTheMatchingCondition() throws Exception {
    JsonNode object =
        doc(
            "{\"status\":{\"conditions\":["
                + "{\"type\":\"Reconciling\",\"status\":\"False\"},"
                + "{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"AllIsolated\"}]}}");
    assertThat(
            SimpleJsonPath.compile(".status.conditions[?(@.type==\"Ready\")].status")
                .first(object)
                .asText())
        .isEqualTo("True");
    assertThat(
            SimpleJsonPath.compile(".status.conditions[?(@.type=='Ready')].reason")
                .first(object)
                .asText())
        .isEqualTo("AllIsolated");
    assertThat(
            SimpleJsonPath.compile(".status.conditions[?(@.type==\"Stalled\")].status")
                .select(object))
        .isEmpty();
  }

  @Test
  void indexStepSelectsOneElement() throws Exception {
    JsonNode object = doc("{\"items\":[\"a\",\"b\"]}");
    assertThat(SimpleJsonPath.compile(".items[1]").first(object).asText()).isEqualTo("b");
    assertThat(SimpleJsonPath.compile(".items[5]").first(object)).isNull();
  }

  @Test
  void formsOutsideTheSubsetAreRejectedAtCompileTime() {
    assertThatThrownBy(() -> SimpleJsonPath.compile(".items[*].name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[*]");
    assertThatThrownBy(() -> SimpleJsonPath.compile(".a[?(@.n>1)]"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SimpleJsonPath.compile(""))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
