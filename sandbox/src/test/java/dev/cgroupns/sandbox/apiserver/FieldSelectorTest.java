package dev.cgroupns.sandbox.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class FieldSelectorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode pod;

  FieldSelectorTest() throws Exception {
    pod =
        JSON.readTree(
            "{\"metadata\":{\"name\":\"demo-0\",\"namespace\":\"default\"},"
                + "\"spec\":{\"nodeName\":\"local\"},\"status\":{\"phase\":\"Running\"}}");
  }

  @Test
  void equalityInEitherSpellingAndInequality() {
    assertThat(FieldSelector.parse("spec.nodeName=local").matches(pod)).isTrue();
    assertThat(FieldSelector.parse("spec.nodeName==local").matches(pod)).isTrue();
    assertThat(FieldSelector.parse("spec.nodeName!=local").matches(pod)).isFalse();
    assertThat(FieldSelector.parse("spec.nodeName=other").matches(pod)).isFalse();
  }

  @Test
  void everyRequirementMustHold() {
    assertThat(FieldSelector.parse("spec.nodeName=local,status.phase=Running").matches(pod))
        .isTrue();
    assertThat(FieldSelector.parse("spec.nodeName=local,status.phase!=Running").matches(pod))
        .isFalse();
    assertThat(FieldSelector.parse("spec.nodeName=local,status.phase=Running").fields())
        .containsExactly("spec.nodeName", "status.phase");
  }

  @Test
  void missingFieldsCompareAsEmpty() {
    assertThat(FieldSelector.parse("spec.schedulerName=").matches(pod)).isTrue();
    assertThat(FieldSelector.parse("spec.schedulerName!=x").matches(pod)).isTrue();
  }

  @Test
  void escapedCommaStaysInTheValue() throws Exception {
    JsonNode event = JSON.readTree("{\"message\":\"a,b\"}");
    assertThat(FieldSelector.parse("message=a\\,b").matches(event)).isTrue();
  }

  @Test
  void requirementWithoutOperatorIsRejected() {
    assertThatThrownBy(() -> FieldSelector.parse("spec.nodeName"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
