package dev.cgroupns.operator.targets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.HostCgroupfsPolicy;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.api.v1alpha1.LabelSelectorOperator;
import dev.cgroupns.api.v1alpha1.LabelSelectorRequirement;
import dev.cgroupns.api.v1alpha1.LabelValues;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.operator.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DesiredNodeObjectsTest {
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private static Resolution twoNodes() {
    var byNode = new TreeMap<String, List<ResolvedPod>>();
    byNode.put(
        "node-b",
        List.of(new ResolvedPod("web-2", "22222222-2222-2222-2222-222222222222", List.of("app"))));
    byNode.put(
        "node-a",
        List.of(
            new ResolvedPod("web-1", "11111111-1111-1111-1111-111111111111", List.of("app")),
            new ResolvedPod("web-3", "33333333-3333-3333-3333-333333333333", List.of("app"))));
    return new Resolution(byNode, List.of());
  }

  @Test
  void oneObjectPerNodeWithInstructionsLabelsAndOwner() {
    CgroupIsolation isolation = Fixtures.isolation("team-a", "web", Map.of("app", "web"));
    isolation.getMetadata().setGeneration(4L);
    isolation.getSpec().mode = IsolationMode.Audit;
    isolation.getSpec().containers = List.of("app");

    List<CgroupIsolationNode> objects = DesiredNodeObjects.build(isolation, twoNodes());

    assertThat(objects).extracting(o -> o.getSpec().nodeName).containsExactly("node-a", "node-b");
    CgroupIsolationNode onA = objects.get(0);
    assertThat(onA.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(onA.getMetadata().getName()).startsWith("web-").hasSize("web-".length() + 10);
    assertThat(onA.getMetadata().getLabels())
        .containsEntry(ApiGroup.NODE_LABEL, "node-a")
        .containsEntry(ApiGroup.ISOLATION_LABEL, "web");
    assertThat(onA.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("CgroupIsolation");
              assertThat(owner.getApiVersion()).isEqualTo(ApiGroup.API_VERSION);
              assertThat(owner.getName()).isEqualTo("web");
              assertThat(owner.getUid()).isEqualTo(isolation.getMetadata().getUid());
              assertThat(owner.getController()).isTrue();
              assertThat(owner.getBlockOwnerDeletion()).isTrue();
            });
    var spec = onA.getSpec();
    assertThat(spec.isolationName).isEqualTo("web");
    assertThat(spec.isolationGeneration).isEqualTo(4L);
    assertThat(spec.action).isEqualTo(NodeAction.Apply);
    assertThat(spec.mode).isEqualTo(IsolationMode.Audit);
    assertThat(spec.readOnly).isTrue();
    assertThat(spec.containers).containsExactly("app");
    assertThat(spec.pods).extracting(p -> p.name).containsExactly("web-1", "web-3");
  }

  @Test
  void carriesTheSelectorAndHostCgroupfsPolicyForDecisionsAtCreation() {
    CgroupIsolation isolation = Fixtures.isolation("team-a", "web", Map.of("app", "web"));
    isolation.getSpec().podSelector.matchExpressions =
        List.of(new LabelSelectorRequirement("tier", LabelSelectorOperator.In, List.of("a", "b")));
    isolation.getSpec().hostCgroupfsPods = HostCgroupfsPolicy.Include;

    var spec = DesiredNodeObjects.build(isolation, twoNodes()).get(0).getSpec();

    assertThat(spec.hostCgroupfsPods).isEqualTo(HostCgroupfsPolicy.Include);
    assertThat(spec.podSelector.matchLabels).containsExactly(Map.entry("app", "web"));
    assertThat(spec.podSelector.matchExpressions)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key).isEqualTo("tier");
              assertThat(r.operator).isEqualTo(LabelSelectorOperator.In);
              assertThat(r.values).containsExactly("a", "b");
            });
    assertThat(spec.podSelector).isNotSameAs(isolation.getSpec().podSelector);
  }

  @Test
  void defaultsAreSpelledOutSoStoredObjectsCompareEqual() {
    CgroupIsolation isolation = Fixtures.isolation("team-a", "web", null);
    isolation.getSpec().mode = null;
    isolation.getSpec().readOnly = null;
    isolation.getSpec().hostCgroupfsPods = null;
    var spec = DesiredNodeObjects.build(isolation, twoNodes()).get(0).getSpec();
    assertThat(spec.containers).isNotNull().isEmpty();
    assertThat(spec.mode).isEqualTo(IsolationMode.Enforce);
    assertThat(spec.readOnly).isTrue();
    assertThat(spec.hostCgroupfsPods).isEqualTo(HostCgroupfsPolicy.Skip);
    assertThat(spec.action).isEqualTo(NodeAction.Apply);
  }

  @Test
  void namesAreDeterministicDistinctPerNodeAndValid() {
    assertThat(DesiredNodeObjects.objectName("web", "node-a"))
        .isEqualTo(DesiredNodeObjects.objectName("web", "node-a"))
        .isNotEqualTo(DesiredNodeObjects.objectName("web", "node-b"));
    String longIsolation = "a".repeat(240) + "-" + "b".repeat(12);
    String longNode = "ip-10-0-0-1." + "x".repeat(230) + ".internal";
    String name = DesiredNodeObjects.objectName(longIsolation, longNode);
    assertThat(name).hasSizeLessThanOrEqualTo(253).matches(DNS_SUBDOMAIN);
    // A cut landing on '-' or '.' must not leave an invalid name behind.
    String awkward = "a".repeat(241) + "-.-b";
    assertThat(DesiredNodeObjects.objectName(awkward, "n")).matches(DNS_SUBDOMAIN);
  }

  /** The agents select by the same rule (api's LabelValues), so long node names are served. */
  @Test
  void longNodeAndIsolationNamesAreLabelledWithTheSharedRule() {
    String node = "worker-" + "x".repeat(87) + ".local";
    String isolationName = "web-" + "y".repeat(70);
    CgroupIsolation isolation = Fixtures.isolation("team-a", isolationName, Map.of("app", "web"));
    CgroupIsolationNode object = DesiredNodeObjects.nodeObject(isolation, node, List.of());
    assertThat(object.getMetadata().getLabels())
        .containsEntry(ApiGroup.NODE_LABEL, LabelValues.ofName(node))
        .containsEntry(ApiGroup.ISOLATION_LABEL, LabelValues.ofName(isolationName));
    assertThat(LabelValues.ofName(node)).hasSizeLessThanOrEqualTo(63);
  }
}
