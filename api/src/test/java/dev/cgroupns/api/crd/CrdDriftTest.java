package dev.cgroupns.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** crds/ must be exactly what the classes generate; a forgotten regeneration fails the build. */
class CrdDriftTest {

  static Iterable<String> crdFiles() {
    return CrdDocuments.FILES.keySet().stream().sorted().toList();
  }

  @ParameterizedTest
  @MethodSource("crdFiles")
  void committedCrdMatchesTheClasses(String fileName) throws IOException {
    JsonNode generated = CrdDocuments.generated(fileName);
    Path committedFile = CrdDocuments.crdsDir().resolve(fileName);
    if (Boolean.getBoolean("crds.update")) {
      Files.createDirectories(committedFile.getParent());
      Files.writeString(committedFile, CrdDocuments.render(generated));
    }
    assertThat(committedFile)
        .withFailMessage(
            "%s is missing. Generate it with: %s", committedFile, CrdDocuments.REGENERATE_COMMAND)
        .exists();
    JsonNode committed = CrdDocuments.committed(fileName);
    String difference = JsonDifference.first(committed, generated);
    assertThat(difference)
        .withFailMessage(
            "crds/%s is out of date with the classes in api/ (%s).%nRegenerate it with: %s",
            fileName, difference, CrdDocuments.REGENERATE_COMMAND)
        .isNull();
  }

  @Test
  void printerColumnsFollowTheOrderTheClassDeclares() {
    JsonNode crd = CrdDocuments.committed("cgroupisolations.cgroupns.dev-v1.yml");
    var names =
        crd.at("/spec/versions/0/additionalPrinterColumns").findValuesAsText("name").stream()
            .toList();
    assertThat(names)
        .containsSubsequence("Ready", "Matched", "Isolated", "Failed", "Age")
        .endsWith("Age");
  }

  @Test
  void bothKindsHaveStatusSubresourceAndShortNames() {
    for (String file : CrdDocuments.FILES.keySet()) {
      JsonNode crd = CrdDocuments.committed(file);
      assertThat(crd.at("/spec/versions/0/subresources/status").isObject())
          .as("status subresource of %s", file)
          .isTrue();
      assertThat(crd.at("/spec/names/shortNames").size())
          .as("short names of %s", file)
          .isPositive();
      assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
    }
  }
}
