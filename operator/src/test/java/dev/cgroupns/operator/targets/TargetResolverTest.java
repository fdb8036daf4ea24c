package dev.cgroupns.operator.targets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.HostCgroupfsPolicy;
import dev.cgroupns.api.v1alpha1.LabelSelectorOperator;
import dev.cgroupns.api.v1alpha1.LabelSelectorRequirement;
import dev.cgroupns.api.v1alpha1.PodSelector;
import dev.cgroupns.operator.targets.SkippedPod.Reason;
import dev.cgroupns.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetResolverTest {
  private static final String NS = "team-a";
  private static final Set<String> NODES = Set.of("node-a", "node-b");

  private static Pod pod(String name, String node, Map<String, String> labels) {
    return Fixtures.pod(NS, name, node, labels);
  }

  private static CgroupIsolation selecting(LabelSelectorRequirement... expressions) {
    CgroupIsolation isolation = Fixtures.isolation(NS, "iso", null);
    isolation.getSpec().podSelector = new PodSelector(null, List.of(expressions));
    return isolation;
  }

  private static List<String> targeted(Resolution resolution) {
    return resolution.podsByNode().values().stream()
        .flatMap(List::stream)
        .map(ResolvedPod::name)
        .sorted()
        .toList();
  }

  private static Reason skipReason(Resolution resolution, String pod) {
    return resolution.skipped().stream()
        .filter(s -> s.name().equals(pod))
        .map(SkippedPod::reason)
        .findFirst()
        .orElse(null);
  }

  @Test
  void groupsTargetsByNodeInNameOrder() {
    CgroupIsolation isolation = Fixtures.isolation(NS, "iso", Map.of("app", "web"));
    Resolution resolution =
        TargetResolver.resolve(
            isolation,
            List.of(
                pod("web-2", "node-b", Map.of("app", "web")),
                pod("web-3", "node-a", Map.of("app", "web")),
                pod("web-1", "node-a", Map.of("app", "web")),
                pod("db-1", "node-a", Map.of("app", "db"))),
            NODES);
    assertThat(resolution.podsByNode().keySet()).containsExactly("node-a", "node-b");
    assertThat(resolution.podsByNode().get("node-a"))
        .extracting(ResolvedPod::name)
        .containsExactly("web-1", "web-3");
    assertThat(resolution.skipped()).isEmpty();
    assertThat(resolution.containerCount()).isEqualTo(3);
  }

  @Test
  void matchLabelsAndExpressionsAreAnded() {
    CgroupIsolation isolation = Fixtures.isolation(NS, "iso", Map.of("app", "web"));
    isolation.getSpec().podSelector.matchExpressions =
        List.of(new LabelSelectorRequirement("tier", LabelSelectorOperator.Exists, null));
    Resolution resolution =
        TargetResolver.resolve(
            isolation,
            List.of(
                pod("both", "node-a", Map.of("app", "web", "tier", "x")),
                pod("labels-only", "node-a", Map.of("app", "web")),
                pod("expr-only", "node-a", Map.of("tier", "x"))),
            NODES);
    assertThat(targeted(resolution)).containsExactly("both");
  }

  @Test
  void everySelectorOperator() {
    List<Pod> pods =
        List.of(
            pod("gold", "node-a", Map.of("tier", "gold")),
            pod("silver", "node-a", Map.of("tier", "silver")),
            pod("none", "node-a", Map.of()));
    assertThat(
            targeted(
                TargetResolver.resolve(
                    selecting(
                        new LabelSelectorRequirement(
                            "tier", LabelSelectorOperator.In, List.of("gold", "bronze"))),
                    pods,
                    NODES)))
        .containsExactly("gold");
    assertThat(
            targeted(
                TargetResolver.resolve(
                    selecting(
                        new LabelSelectorRequirement(
                            "tier", LabelSelectorOperator.NotIn, List.of("gold"))),
                    pods,
                    NODES)))
        .containsExactly("none", "silver");
    assertThat(
            targeted(
                TargetResolver.resolve(
                    selecting(
                        new LabelSelectorRequirement("tier", LabelSelectorOperator.Exists, null)),
                    pods,
                    NODES)))
        .containsExactly("gold", "silver");
    assertThat(
            targeted(
                TargetResolver.resolve(
                    selecting(
                        new LabelSelectorRequirement(
                            "tier", LabelSelectorOperator.DoesNotExist, null)),
                    pods,
                    NODES)))
        .containsExactly("none");
  }

  @Test
  void emptySelectorSelectsEveryPodOfItsOwnNamespaceOnly() {
    CgroupIsolation isolation = Fixtures.isolation(NS, "iso", null);
    Resolution resolution =
        TargetResolver.resolve(
            isolation,
            List.of(
                pod("mine", "node-a", null), Fixtures.pod("team-b", "theirs", "node-a", Map.of())),
            NODES);
    assertThat(targeted(resolution)).containsExactly("mine");
  }

  @Test
  void narrowsContainersBySpecAndSkipsPodsWithNoneLeft() {
    CgroupIsolation isolation = Fixtures.isolation(NS, "iso", null);
    isolation.getSpec().containers = List.of("app");
    Resolution resolution =
        TargetResolver.resolve(
            isolation,
            List.of(
                Fixtures.pod(NS, "both", "node-a", Map.of(), "sidecar", "app"),
                Fixtures.pod(NS, "sidecar-only", "node-a", Map.of(), "sidecar")),
            NODES);
    assertThat(resolution.podsByNode().get("node-a"))
        .singleElement()
        .satisfies(p -> assertThat(p.containers()).containsExactly("app"));
    assertThat(skipReason(resolution, "sidecar-only")).isEqualTo(Reason.NoMatchingContainers);
  }

  @Test
  void appliesEverySafetyExclusion() {
    CgroupIsolation isolation = Fixtures.isolation(NS, "iso", null);
    Pod optedOut = pod("opted-out", "node-a", Map.of());
    optedOut.getMetadata().setAnnotations(Map.of(ApiGroup.OPT_OUT_ANNOTATION, "true"));
    Pod optOutFalse = pod("opt-out-false", "node-a", Map.of());
    optOutFalse.getMetadata().setAnnotations(Map.of(ApiGroup.OPT_OUT_ANNOTATION, "false"));
    Pod own =
        pod("agent", "node-a", Map.of(TargetResolver.PART_OF_LABEL, TargetResolver.PART_OF_VALUE));
    Pod unscheduled = pod("pending", null, Map.of());
    Pod succeeded = pod("done", "node-a", Map.of());
    succeeded.getStatus().setPhase("Succeeded");
    Pod failed = pod("crashed", "node-a", Map.of());
    failed.getStatus().setPhase("Failed");
    Pod deleting = pod("deleting", "node-a", Map.of());
    deleting.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    Pod orphan = pod("orphan", "node-gone", Map.of());
    Pod monitor = withHostPath(pod("monitor", "node-a", Map.of()), "/sys/fs/cgroup");

    Resolution resolution =
        TargetResolver.resolve(
            isolation,
            List.of(
                optedOut,
                optOutFalse,
                own,
                unscheduled,
                succeeded,
                failed,
                deleting,
                orphan,
                monitor),
            NODES);

    assertThat(targeted(resolution)).containsExactly("opt-out-false");
    assertThat(skipReason(resolution, "opted-out")).isEqualTo(Reason.OptedOut);
    assertThat(skipReason(resolution, "agent")).isEqualTo(Reason.OwnComponent);
    assertThat(skipReason(resolution, "pending")).isEqualTo(Reason.NotScheduled);
    assertThat(skipReason(resolution, "done")).isEqualTo(Reason.Terminated);
    assertThat(skipReason(resolution, "crashed")).isEqualTo(Reason.Terminated);
    assertThat(skipReason(resolution, "deleting")).isEqualTo(Reason.Terminated);
    assertThat(skipReason(resolution, "orphan")).isEqualTo(Reason.NodeGone);
    assertThat(skipReason(resolution, "monitor")).isEqualTo(Reason.HostCgroupfs);
  }

  @Test
  void kubeSystemPodsAreNeverTargeted() {
    CgroupIsolation isolation = Fixtures.isolation("kube-system", "iso", null);
    Resolution resolution =
        TargetResolver.resolve(
            isolation, List.of(Fixtures.pod("kube-system", "dns", "node-a", Map.of())), NODES);
    assertThat(targeted(resolution)).isEmpty();
    assertThat(skipReason(resolution, "dns")).isEqualTo(Reason.SystemNamespace);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/sys/fs/cgroup",
        "/sys/fs/cgroup/",
        "/sys//fs/./cgroup",
        "/sys/fs/cgroup/memory",
        "/sys",
        "/sys/fs",
        "/",
        "/var/../sys/fs/cgroup"
      })
  void recognisesHostPathsExposingTheCgroupfs(String path) {
    assertThat(TargetResolver.mountsHostCgroupfs(withHostPath(pod("p", "node-a", null), path)))
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/var/log", "/sys/kernel/debug", "/sys/fs/cgroupfoo", "/proc", ""})
  void leavesOtherHostPathsAlone(String path) {
    assertThat(TargetResolver.mountsHostCgroupfs(withHostPath(pod("p", "node-a", null), path)))
        .isFalse();
  }

  @Test
  void hostCgroupfsPodsAreTargetedWhenIncluded() {
    CgroupIsolation isolation = Fixtures.isolation(NS, "iso", null);
    isolation.getSpec().hostCgroupfsPods = HostCgroupfsPolicy.Include;
    Resolution resolution =
        TargetResolver.resolve(
            isolation, List.of(withHostPath(pod("monitor", "node-a", null), "/sys")), NODES);
    assertThat(targeted(resolution)).containsExactly("monitor");
  }

  @Test
  void capsTargetsPerNodeAtTheObjectLimit() {
    CgroupIsolation isolation = Fixtures.isolation(NS, "iso", null);
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < CgroupIsolationNodeSpec.MAX_PODS + 2; i++) {
      pods.add(pod(String.format("p-%05d", i), "node-a", null));
    }
    Resolution resolution = TargetResolver.resolve(isolation, pods, NODES);
    assertThat(resolution.podsByNode().get("node-a")).hasSize(CgroupIsolationNodeSpec.MAX_PODS);
    assertThat(resolution.skipped())
        .hasSize(2)
        .allMatch(s -> s.reason() == Reason.TooManyPodsOnNode);
  }

  private static Pod withHostPath(Pod pod, String path) {
    return new PodBuilder(pod)
        .editSpec()
        .addNewVolume()
        .withName("host")
        .withNewHostPath()
        .withPath(path)
        .endHostPath()
        .endVolume()
        .endSpec()
        .build();
  }
}
