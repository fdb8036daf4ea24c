package dev.cgroupns.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local overlay (one test node, no registry, no kube-proxy) is what users deploy, but for the
 * image pull policy and the API's address: a real node run of it tests the base itself.
 */
class LocalOverlayTest {

  /** The node's API relay on its bridge (testbed BridgeNetwork.GATEWAY and API_PORT). */
  static final Map<String, String> API_ENV =
      Map.of("KUBERNETES_SERVICE_HOST", "10.244.0.1", "KUBERNETES_SERVICE_PORT", "6443");

  private static final List<String> WORKLOADS =
      List.of("Deployment/cgroup-isolation-operator", "DaemonSet/cgroup-isolation-node-agent");

  private final Rendered base = Kustomize.render(RepositoryLayout.base());
  private final Rendered local =
      Kustomize.render(RepositoryLayout.manifests().resolve("overlays/local"));

  @Test
  void rendersTheSameObjectsAsTheBase() {
    assertThat(local.objects().stream().map(Rendered::id))
        .containsExactlyElementsOf(base.objects().stream().map(Rendered::id).toList());
  }

  @Test
  void differsFromTheBaseOnlyInPullPolicyAndApiAddress() {
    for (int i = 0; i < base.objects().size(); i++) {
      JsonNode expected = base.objects().get(i);
      JsonNode actual = local.objects().get(i).deepCopy();
      String id = Rendered.id(expected);
      String kindAndName = expected.path("kind").asText() + "/" + Rendered.name(expected);
      if (WORKLOADS.contains(kindAndName)) {
        ArrayNode containers =
            (ArrayNode) actual.path("spec").path("template").path("spec").path("containers");
        assertThat(containers).as("containers of %s", id).hasSize(1);
        ObjectNode container = (ObjectNode) containers.get(0);
        assertThat(container.path("imagePullPolicy").asText()).as(id).isEqualTo("Never");
        container.set(
            "imagePullPolicy",
            expected
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("imagePullPolicy"));
        removeApiEnv((ArrayNode) container.path("env"), id);
      }
      assertThat(actual).as("%s apart from the allowed fields", id).isEqualTo(expected);
    }
  }

  /** Checks that the API's address is set, and removes it so the rest compares with the base. */
  private static void removeApiEnv(ArrayNode env, String id) {
    Map<String, String> found = new java.util.HashMap<>();
    for (int i = env.size() - 1; i >= 0; i--) {
      String name = env.get(i).path("name").asText();
      if (API_ENV.containsKey(name)) {
        found.put(name, env.get(i).path("value").asText());
        env.remove(i);
      }
    }
    assertThat(found).as("API address of %s", id).isEqualTo(API_ENV);
  }
}
