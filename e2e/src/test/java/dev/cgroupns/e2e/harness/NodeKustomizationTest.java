package dev.cgroupns.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cgroupns.testbed.cluster.KubeBinaries;
import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.precondition.Precondition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kubectl renders the node's kustomization as the local overlay but for the NRI volume. */
class NodeKustomizationTest {

  private static final Path OVERLAY = TestClusters.checkout().resolve("manifests/overlays/local");

  @TempDir Path temp;

  @Test
  void movesOnlyTheAgentsNriVolume() throws IOException {
    Path nri = temp.resolve("node/run/nri");
    List<JsonNode> local = render(OVERLAY);
    List<JsonNode> node = render(NodeKustomization.write(temp.resolve("project"), OVERLAY, nri));

    assertThat(node).hasSameSizeAs(local);
    int daemonSets = 0;
    for (int i = 0; i < local.size(); i++) {
      JsonNode expected = local.get(i);
      JsonNode actual = node.get(i).deepCopy();
      if (expected.path("kind").asText().equals("DaemonSet")) {
        daemonSets++;
        ObjectNode hostPath = nriVolume(actual);
        assertThat(hostPath.path("path").asText()).isEqualTo(nri.toString());
        assertThat(nriVolume(expected).path("path").asText()).isEqualTo("/var/run/nri");
        hostPath.put("path", "/var/run/nri");
        // The strategic merge puts the patched volume first; the order of volumes means nothing.
        sortVolumes(actual);
        sortVolumes(expected = expected.deepCopy());
      }
      assertThat(actual).as("object %d apart from the NRI volume", i).isEqualTo(expected);
    }
    assertThat(daemonSets).isEqualTo(1);
  }

  @Test
  void refusesAPathThatIsNotPlain() {
    assertThatThrownBy(() -> NodeKustomization.render(temp, OVERLAY, Path.of("/tmp/a\"\n  b: c")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a plain path");
  }

  private static void sortVolumes(JsonNode daemonSet) {
    ArrayNode volumes =
        (ArrayNode) daemonSet.path("spec").path("template").path("spec").path("volumes");
    List<JsonNode> sorted = new ArrayList<>();
    volumes.forEach(sorted::add);
    sorted.sort(Comparator.comparing(v -> v.path("name").asText()));
    volumes.removeAll();
    volumes.addAll(sorted);
  }

  private static ObjectNode nriVolume(JsonNode daemonSet) {
    for (JsonNode volume : daemonSet.path("spec").path("template").path("spec").path("volumes")) {
      if (volume.path("name").asText().equals("nri")) {
        return (ObjectNode) volume.path("hostPath");
      }
    }
    throw new AssertionError("no nri volume in " + daemonSet);
  }

  private static List<JsonNode> render(Path kustomization) throws IOException {
    KubeBinaries.Lookup lookup = KubeBinaries.find(TestClusters.checkout(), List.of("kubectl"));
    if (lookup.binaries().isEmpty()) {
      throw Precondition.unmet("needs kubectl: " + lookup.whyMissing());
    }
    Kubectl kubectl = new Kubectl(lookup.binaries().get().path("kubectl"), Path.of("/dev/null"));
    Kubectl.Result result = kubectl.run("kustomize", kustomization.toString());
    assertThat(result.ok()).as(result.toString()).isTrue();
    List<JsonNode> objects = new ArrayList<>();
    YAMLMapper yaml = new YAMLMapper();
    try (var parser = new YAMLFactory().createParser(result.out())) {
      objects.addAll(yaml.readValues(parser, JsonNode.class).readAll());
    }
    return objects;
  }
}
