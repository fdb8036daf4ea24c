package dev.cgroupns.deploy;

import static dev.cgroupns.deploy.KustomizeBuildTest.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Least privilege, enforced: what each component may do is exactly the table below, in every
 * kustomization. A new permission in the manifests fails this test until the table says the
 * component needs it, so widening access is always a deliberate, reviewed change.
 */
class RbacTableTest {

  static final String OPERATOR_SA = "cgroup-isolation-operator";
  static final String AGENT_SA = "cgroup-isolation-node-agent";

  private static final String C = RbacRules.CLUSTER_WIDE;

  /** What the operator needs: see operator/rbac.yaml for why. */
  static final Set<String> OPERATOR_NEEDS =
      union(
          grant(C, "cgroupns.dev", "cgroupisolations", "get", "list", "watch", "update", "patch"),
          grant(C, "cgroupns.dev", "cgroupisolations/status", "update", "patch"),
          grant(C, "cgroupns.dev", "cgroupisolations/finalizers", "update"),
          grant(
              C,
              "cgroupns.dev",
              "cgroupisolationnodes",
              "get",
              "list",
              "watch",
              "create",
              "update",
              "patch",
              "delete"),
          grant(C, "", "pods", "get", "list", "watch"),
          grant(C, "", "nodes", "get", "list", "watch"),
          grant(C, "", "events", "create", "patch"),
          grant(C, "events.k8s.io", "events", "create", "patch"),
          // JOSDK checks get/create/update up front; fabric8 renews the lease with a merge patch.
          grant(NAMESPACE, "coordination.k8s.io", "leases", "get", "create", "update", "patch"));

  /**
   * What a node agent needs: read its instructions and pods, report results, and create core/v1
   * Events on pods (each Event is a new object, never patched: see node-agent's PodEventWriter).
   */
  static final Set<String> AGENT_NEEDS =
      union(
          grant(C, "cgroupns.dev", "cgroupisolationnodes", "get", "list", "watch"),
          grant(C, "cgroupns.dev", "cgroupisolationnodes/status", "patch", "update"),
          grant(C, "", "pods", "get", "list", "watch"),
          grant(C, "", "events", "create"));

  /** Roles for people, bound by cluster administrators, never to the components. */
  static final Map<String, Set<String>> USER_ROLES =
      Map.of(
          "cgroup-isolation-view",
          union(
              grant(C, "cgroupns.dev", "cgroupisolations", "get", "list", "watch"),
              grant(C, "cgroupns.dev", "cgroupisolations/status", "get", "list", "watch"),
              grant(C, "cgroupns.dev", "cgroupisolationnodes", "get", "list", "watch"),
              grant(C, "cgroupns.dev", "cgroupisolationnodes/status", "get", "list", "watch")),
          "cgroup-isolation-editor",
          union(
              grant(
                  C,
                  "cgroupns.dev",
                  "cgroupisolations",
                  "get",
                  "list",
                  "watch",
                  "create",
                  "update",
                  "patch",
                  "delete"),
              grant(C, "cgroupns.dev", "cgroupisolations/status", "get", "list", "watch"),
              grant(C, "cgroupns.dev", "cgroupisolationnodes", "get", "list", "watch"),
              grant(C, "cgroupns.dev", "cgroupisolationnodes/status", "get", "list", "watch")));

  static Stream<Path> kustomizations() {
    return RepositoryLayout.kustomizations().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void theOperatorHasExactlyWhatItNeeds(Path dir) {
    Rendered rendered = Kustomize.render(dir);
    assertExactly(RbacRules.granted(rendered, NAMESPACE, OPERATOR_SA), OPERATOR_NEEDS, "operator");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void theNodeAgentHasExactlyWhatItNeeds(Path dir) {
    Rendered rendered = Kustomize.render(dir);
    assertExactly(RbacRules.granted(rendered, NAMESPACE, AGENT_SA), AGENT_NEEDS, "node agent");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void theNodeAgentCannotWritePodsOrCgroupIsolationsOrInstructions(Path dir) {
    Set<String> agent = RbacRules.granted(Kustomize.render(dir), NAMESPACE, AGENT_SA);
    for (String write : List.of("create", "update", "patch", "delete", "deletecollection")) {
      assertThat(agent)
          .doesNotContain(
              RbacRules.permission(C, "", "pods", write),
              RbacRules.permission(C, "", "pods/status", write),
              RbacRules.permission(C, "cgroupns.dev", "cgroupisolations", write),
              RbacRules.permission(C, "cgroupns.dev", "cgroupisolations/status", write),
              // The spec of a per-node object is the operator's instruction to the agent.
              RbacRules.permission(C, "cgroupns.dev", "cgroupisolationnodes", write));
    }
    assertThat(agent).noneMatch(p -> p.contains("secrets") || p.contains("pods/exec"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void noRuleUsesAWildcard(Path dir) {
    assertThat(RbacRules.wildcards(Kustomize.render(dir))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void everyRoleIsAccountedForAndOnlyTheTableAccountsAreBound(Path dir) {
    Rendered rendered = Kustomize.render(dir);
    Set<String> boundRoles = new HashSet<>();
    for (String kind : List.of("ClusterRoleBinding", "RoleBinding")) {
      for (JsonNode binding : rendered.ofKind(kind)) {
        for (JsonNode subject : binding.path("subjects")) {
          assertThat(subject.path("kind").asText() + " " + subject.path("name").asText())
              .as("subject of %s", Rendered.id(binding))
              .isIn("ServiceAccount " + OPERATOR_SA, "ServiceAccount " + AGENT_SA);
          assertThat(subject.path("namespace").asText()).isEqualTo(NAMESPACE);
        }
        boundRoles.add(Rendered.id(RbacRules.role(rendered, binding)));
      }
    }
    for (String kind : List.of("ClusterRole", "Role")) {
      for (JsonNode role : rendered.ofKind(kind)) {
        String id = Rendered.id(role);
        // Aggregated roles take rules from elsewhere, which this table could not see.
        assertThat(role.has("aggregationRule")).as("%s aggregates other roles", id).isFalse();
        if (boundRoles.contains(id)) {
          continue;
        }
        Set<String> expected = USER_ROLES.get(Rendered.name(role));
        assertThat(expected)
            .as("%s is neither bound to a component nor a user role", id)
            .isNotNull();
        assertExactly(RbacRules.permissions(role, C), expected, id);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void rolesAggregatedIntoTheBuiltInRolesOnlyRead(Path dir) {
    for (JsonNode role : Kustomize.render(dir).ofKind("ClusterRole")) {
      boolean aggregated = false;
      var labels = role.path("metadata").path("labels").fieldNames();
      while (labels.hasNext()) {
        aggregated |= labels.next().startsWith("rbac.authorization.k8s.io/aggregate-to-");
      }
      if (aggregated) {
        assertThat(RbacRules.permissions(role, C))
            .as("%s is aggregated into view/edit/admin", Rendered.id(role))
            .allMatch(p -> p.endsWith(" get") || p.endsWith(" list") || p.endsWith(" watch"));
      }
    }
  }

  private static void assertExactly(Set<String> granted, Set<String> needed, String who) {
    Set<String> extra = new TreeSet<>(granted);
    extra.removeAll(needed);
    Set<String> missing = new TreeSet<>(needed);
    missing.removeAll(granted);
    assertThat(extra)
        .as(
            "permissions of the %s that the table in RbacTableTest does not list;"
                + " remove them, or add them to the table if they are really needed",
            who)
        .isEmpty();
    assertThat(missing).as("permissions the %s needs but is not granted", who).isEmpty();
  }

  private static Set<String> grant(String scope, String group, String resource, String... verbs) {
    Set<String> all = new TreeSet<>();
    for (String verb : verbs) {
      all.add(RbacRules.permission(scope, group, resource, verb));
    }
    return all;
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    List<String> all = new ArrayList<>();
    for (Set<String> s : sets) {
      all.addAll(s);
    }
    return Set.copyOf(all);
  }
}
