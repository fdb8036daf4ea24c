package dev.cgroupns.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cgroupns.operator.targets.TargetResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kustomization renders offline, to a consistent, complete and pinned set of objects. */
class KustomizeBuildTest {

  static final String NAMESPACE = "cgroup-isolation-system";
  static final String OPERATOR_IMAGE = "ghcr.io/cgroupns/cgroup-isolation-operator";
  static final String AGENT_IMAGE = "ghcr.io/cgroupns/cgroup-isolation-node-agent";

  /** Kinds without a namespace; kustomize must not have given them one. */
  static final Set<String> CLUSTER_SCOPED =
      Set.of(
          "Namespace",
          "CustomResourceDefinition",
          "ClusterRole",
          "ClusterRoleBinding",
          "ValidatingAdmissionPolicy",
          "ValidatingAdmissionPolicyBinding");

  static Stream<Path> kustomizations() {
    return RepositoryLayout.kustomizations().stream();
  }

  @Test
  void thereIsABaseAndTheOverlaysThatMakeARealDifference() {
    assertThat(RepositoryLayout.kustomizations().stream().map(RepositoryLayout::label))
        .contains("base", "overlays/read-write-allowed", "overlays/no-admission-policy");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void rendersTheWholeSystem(Path dir) {
    Rendered rendered = Kustomize.render(dir);

    assertThat(rendered.ofKind("CustomResourceDefinition").stream().map(Rendered::name))
        .containsExactlyInAnyOrder(
            "cgroupisolations.cgroupns.dev", "cgroupisolationnodes.cgroupns.dev");
    rendered.get("Namespace", NAMESPACE);
    rendered.get("Deployment", "cgroup-isolation-operator");
    rendered.get("DaemonSet", "cgroup-isolation-node-agent");
    rendered.get("PodDisruptionBudget", "cgroup-isolation-operator");
    assertThat(rendered.ofKind("Service")).hasSize(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void everyObjectIsUniqueAndInTheRightScope(Path dir) {
    Rendered rendered = Kustomize.render(dir);
    List<String> ids = rendered.objects().stream().map(Rendered::id).toList();
    assertThat(ids).doesNotHaveDuplicates();

    for (JsonNode object : rendered.objects()) {
      String kind = object.path("kind").asText();
      if (CLUSTER_SCOPED.contains(kind)) {
        assertThat(Rendered.namespace(object)).as("namespace of %s", Rendered.id(object)).isEmpty();
      } else {
        assertThat(Rendered.namespace(object))
            .as("namespace of %s", Rendered.id(object))
            .isEqualTo(NAMESPACE);
      }
      assertThat(object.path("metadata").path("labels").path("app.kubernetes.io/part-of").asText())
          .as("part-of label of %s", Rendered.id(object))
          .isEqualTo("cgroup-isolation");
    }
  }

  /**
   * The operator and the agents never act on pods labelled part-of cgroup-isolation (their own):
   * the label must reach the pods, not only the Deployment and DaemonSet objects.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void podTemplatesCarryThePartOfLabelTheOwnPodExclusionChecks(Path dir) {
    Rendered rendered = Kustomize.render(dir);
    assertThat(workloads(rendered)).isNotEmpty();
    for (JsonNode workload : workloads(rendered)) {
      assertThat(
              workload
                  .path("spec")
                  .path("template")
                  .path("metadata")
                  .path("labels")
                  .path(TargetResolver.PART_OF_LABEL)
                  .asText())
          .as("pod template label of %s", Rendered.id(workload))
          .isEqualTo("cgroup-isolation");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void imagesArePinnedToTheTagTheMavenProfileBuilds(Path dir) throws IOException {
    Rendered rendered = Kustomize.render(dir);
    List<String> images = new ArrayList<>();
    for (JsonNode workload : workloads(rendered)) {
      JsonNode pod = workload.path("spec").path("template").path("spec");
      for (String field : List.of("initContainers", "containers")) {
        pod.path(field).forEach(c -> images.add(c.path("image").asText()));
      }
    }
    assertThat(images)
        .containsExactlyInAnyOrder(
            OPERATOR_IMAGE + ":" + jibTag("operator", OPERATOR_IMAGE),
            AGENT_IMAGE + ":" + jibTag("node-agent", AGENT_IMAGE));
    assertThat(images).noneMatch(i -> i.endsWith(":latest"));
  }

  static List<JsonNode> workloads(Rendered rendered) {
    List<JsonNode> all = new ArrayList<>(rendered.ofKind("Deployment"));
    all.addAll(rendered.ofKind("DaemonSet"));
    return all;
  }

  /** The tag the module's `images` Maven profile gives the image. */
  static String jibTag(String module, String image) throws IOException {
    String pom = Files.readString(RepositoryLayout.root().resolve(module).resolve("pom.xml"));
    Matcher m = Pattern.compile(Pattern.quote(image) + ":([A-Za-z0-9_.-]+)</image>").matcher(pom);
    assertThat(m.find()).as("%s/pom.xml names the image %s with a tag", module, image).isTrue();
    return m.group(1);
  }
}
