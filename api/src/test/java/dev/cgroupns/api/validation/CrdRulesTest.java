package dev.cgroupns.api.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cgroupns.api.crd.CrdDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs' own rules, enforced the way an API server would: every sample is admitted, and every
 * bad resource is refused with a message that tells the user what to fix.
 */
class CrdRulesTest {
  private static final CrdValidator VALIDATOR = CrdValidator.forCommittedCrds();
  private static final Path INVALID = Path.of("src/test/resources/invalid");

  static Stream<Path> samples() throws IOException {
    try (Stream<Path> files = Files.list(CrdDocuments.samplesDir())) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  static Stream<Path> invalidResources() throws IOException {
    try (Stream<Path> files = Files.list(INVALID)) {
      return files.sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everySampleIsAdmitted(Path sample) {
    List<JsonNode> docs = CrdDocuments.readAll(sample);
    assertThat(docs).as("documents in %s", sample).isNotEmpty();
    for (JsonNode doc : docs) {
      if (VALIDATOR.knows(doc.path("kind").asText())) {
        assertThat(VALIDATOR.validateCreate(doc)).as("problems in %s", sample).isEmpty();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("invalidResources")
  void badResourcesAreRefusedWithAClearMessage(Path file) throws IOException {
    String expected = Files.readAllLines(file).get(0).replaceFirst("^# expect: ", "");
    JsonNode resource = CrdDocuments.read(file);

    List<String> problems = VALIDATOR.validateCreate(resource);

    assertThat(problems).as("problems with %s", file.getFileName()).isNotEmpty();
    assertThat(String.join("\n", problems)).contains(expected);
  }

  @Test
  void everyRuleCompiles() {
    List<String> rules = VALIDATOR.allRules();
    assertThat(rules).hasSizeGreaterThanOrEqualTo(8);
    rules.forEach(
        rule -> assertThatCode(() -> CrdValidator.compileRule(rule)).doesNotThrowAnyException());
  }

  @Test
  void defaultsMakeAMinimalResourceEnforceReadOnly() {
    JsonNode minimal =
        CrdDocuments.read(CrdDocuments.samplesDir().resolve("cgroupisolation-basic.yaml"));
    assertThat(minimal.at("/spec/readOnly").isMissingNode()).isTrue();
    assertThat(VALIDATOR.validateCreate(minimal)).isEmpty();
    JsonNode crd = CrdDocuments.committed("cgroupisolations.cgroupns.dev-v1.yml");
    JsonNode spec = CrdDocuments.schemaOf(crd).at("/properties/spec/properties");
    assertThat(spec.at("/readOnly/default").asBoolean()).isTrue();
    assertThat(spec.at("/mode/default").asText()).isEqualTo("Enforce");
  }

  @Test
  void readWriteWithAReasonIsAdmitted() {
    ObjectNode resource =
        (ObjectNode)
            CrdDocuments.read(CrdDocuments.samplesDir().resolve("cgroupisolation-read-write.yaml"));
    assertThat(VALIDATOR.validateCreate(resource)).isEmpty();
    ((ObjectNode) resource.get("spec")).remove("readWriteReason");
    assertThat(VALIDATOR.validateCreate(resource)).isNotEmpty();
  }

  @Test
  void nodeObjectsCannotMoveToAnotherNode() {
    ObjectNode before = nodeObject("worker-1");
    ObjectNode after = nodeObject("worker-2");

    assertThat(VALIDATOR.validateCreate(before)).isEmpty();
    assertThat(VALIDATOR.validateUpdate(before, before)).isEmpty();
    assertThat(VALIDATOR.validateUpdate(before, after))
        .containsExactly("spec.nodeName: nodeName is immutable");
  }

  private static ObjectNode nodeObject(String node) {
    ObjectNode resource = CrdDocuments.YAML.createObjectNode();
    resource.put("apiVersion", "cgroupns.dev/v1alpha1").put("kind", "CgroupIsolationNode");
    resource.putObject("metadata").put("name", "demo-abc").put("namespace", "default");
    ObjectNode spec = resource.putObject("spec").put("nodeName", node).put("isolationName", "demo");
    spec.putArray("pods")
        .addObject()
        .put("name", "web-0")
        .put("uid", "0b7c5f0e-8a5e-4b8e-9d6f-2a1e3c4d5e6f");
    return resource;
  }
}
