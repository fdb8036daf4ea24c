package dev.cgroupns.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cgroupns.api.validation.CrdValidator;
import dev.cgroupns.deploy.ArgoCdHealthCheck.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Argo CD health check gives the right verdict on each kind of status the operator writes. */
class ArgoCdHealthCheckTest {

  private final ArgoCdHealthCheck check = new ArgoCdHealthCheck();

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of("ready.yaml", "Healthy", "4 of 4 containers isolated"),
        Arguments.of("in-progress.yaml", "Progressing", "WaitingForAgents"),
        Arguments.of("stalled.yaml", "Degraded", "ReadWriteNotAllowed"),
        Arguments.of("old-generation.yaml", "Progressing", "generation 4"),
        Arguments.of("no-status.yaml", "Progressing", "Waiting for the operator"),
        Arguments.of("containers-failed.yaml", "Degraded", "could not be isolated"),
        Arguments.of("deleting.yaml", "Progressing", "Deleting"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("statuses")
  void verdict(String fixture, String status, String messagePart) throws IOException {
    Verdict verdict = check.assess(fixture(fixture));
    assertThat(verdict.status()).isEqualTo(status);
    assertThat(verdict.message()).contains(messagePart);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statuses")
  void everyFixtureIsAStatusTheCrdAccepts(String fixture) throws IOException {
    // The verdicts above are only worth something if the statuses are ones the API would store.
    assertThat(CrdValidator.forCommittedCrds().validateCreate(fixture(fixture))).isEmpty();
  }

  @Test
  void conditionsWithoutAnObservedGenerationAreNotTrusted() throws IOException {
    ObjectNode resource = fixture("ready.yaml");
    ((ObjectNode) resource.path("status")).remove("observedGeneration");
    assertThat(check.assess(resource).status()).isEqualTo("Progressing");
  }

  @Test
  void aStalledResourceIsStillProgressingWhileTheOperatorCatchesUpWithANewSpec()
      throws IOException {
    // As in kstatus: a new generation may fix what stalled the old one.
    ObjectNode resource = fixture("stalled.yaml");
    ((ObjectNode) resource.path("metadata")).put("generation", 3);
    assertThat(check.assess(resource).status()).isEqualTo("Progressing");
  }

  @Test
  void theArgoCdConfigMapPatchCarriesTheScriptVerbatim() throws IOException {
    JsonNode patch =
        Kustomize.YAML.readTree(
            Files.readString(ArgoCdHealthCheck.SCRIPT.resolveSibling("argocd-cm-patch.yaml")));
    String embedded =
        patch
            .path("data")
            .path("resource.customizations.health.cgroupns.dev_CgroupIsolation")
            .asText();
    assertThat(embedded).isEqualTo(check.script());
  }

  private static ObjectNode fixture(String name) throws IOException {
    try (InputStream in =
        ArgoCdHealthCheckTest.class.getResourceAsStream("/deploy/health/" + name)) {
      assertThat(in).as("fixture %s", name).isNotNull();
      return (ObjectNode) Kustomize.YAML.readTree(in);
    }
  }
}
