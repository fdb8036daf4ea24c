package dev.cgroupns.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cgroupns.api.crd.CrdDocuments;
import dev.cgroupns.api.validation.CrdValidator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs reach the cluster exactly as generated, and every custom resource a kustomization
 * renders would be admitted by them (schema with strict fields, and CEL rules).
 */
class CustomResourceValidationTest {

  private static final CrdValidator CRDS = CrdValidator.forCommittedCrds();

  static Stream<Path> kustomizations() {
    return RepositoryLayout.kustomizations().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void theCrdsAreRenderedAsCommitted(Path dir) {
    Rendered rendered = Kustomize.render(dir);
    for (String file : CrdDocuments.FILES.keySet()) {
      JsonNode committed = CrdDocuments.committed(file);
      JsonNode applied = rendered.get("CustomResourceDefinition", Rendered.name(committed));
      // Kustomize may only add labels; the spec (schema, CEL rules, printer columns) is untouched.
      assertThat(applied.path("spec")).as("spec of %s", file).isEqualTo(committed.path("spec"));
      ObjectNode labels = (ObjectNode) applied.path("metadata").path("labels");
      assertThat(labels.path("app.kubernetes.io/part-of").asText()).isEqualTo("cgroup-isolation");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void everyRenderedCustomResourceIsAdmitted(Path dir) {
    for (JsonNode object : Kustomize.render(dir).objects()) {
      if (CRDS.knows(object.path("kind").asText())
          && object.path("apiVersion").asText().startsWith("cgroupns.dev/")) {
        assertThat(CRDS.validateCreate(object)).as(Rendered.id(object)).isEmpty();
      }
    }
  }

  @Test
  void theSamplesKustomizationListsEverySampleAndEachIsAdmitted() throws IOException {
    Path samples = RepositoryLayout.manifests().resolve("samples");
    Rendered rendered = Kustomize.render(samples);
    int documents = 0;
    for (Path file : RepositoryLayout.samples()) {
      documents += CrdDocuments.readAll(file).size();
    }
    assertThat(rendered.objects()).as("objects from manifests/samples").hasSize(documents);
    for (JsonNode sample : rendered.objects()) {
      assertThat(CRDS.validateCreate(sample)).as(Rendered.id(sample)).isEmpty();
    }
  }
}
