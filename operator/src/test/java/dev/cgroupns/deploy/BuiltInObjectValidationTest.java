package dev.cgroupns.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every built-in object each kustomization renders is a valid object of its kind. */
class BuiltInObjectValidationTest {

  static Stream<Path> kustomizations() {
    return RepositoryLayout.kustomizations().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void everyBuiltInObjectMatchesTheKubernetesModel(Path dir) {
    Rendered rendered = Kustomize.render(dir);
    for (JsonNode object : rendered.objects()) {
      if (object.path("apiVersion").asText().startsWith("cgroupns.dev/")) {
        continue; // custom resources: CustomResourceValidationTest checks them against the CRDs
      }
      HasMetadata typed = StrictModelCheck.typed(object);
      assertThat(typed.getMetadata().getName()).as("name of %s", Rendered.id(object)).isNotBlank();
    }
  }

  @Test
  void aMisspeltFieldIsReported() throws Exception {
    JsonNode deployment =
        Kustomize.YAML.readTree(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: typo}
            spec:
              selector: {matchLabels: {a: b}}
              template:
                metadata: {labels: {a: b}}
                spec:
                  containers:
                    - name: c
                      image: example/image:1
                      readinesProbe: {httpGet: {path: /readyz, port: 8080}}
            """);
    assertThatThrownBy(() -> StrictModelCheck.typed(deployment))
        .hasMessageContaining("spec.template.spec.containers[0].readinesProbe");
  }

  @Test
  void aKindFromTheWrongApiVersionIsReported() throws Exception {
    JsonNode policy =
        Kustomize.YAML.readTree(
            """
            apiVersion: admissionregistration.k8s.io/v9
            kind: ValidatingAdmissionPolicy
            metadata: {name: p}
            """);
    assertThatThrownBy(() -> StrictModelCheck.typed(policy)).hasMessageContaining("not a kind");
  }
}
