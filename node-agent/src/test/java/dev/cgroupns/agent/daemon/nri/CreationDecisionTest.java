package dev.cgroupns.agent.daemon.nri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.daemon.nri.CreatingContainer.OciMount;
import dev.cgroupns.agent.daemon.nri.CreationDecision.Kind;
import dev.cgroupns.agent.daemon.nri.CreationDecision.Outcome;
import dev.cgroupns.agent.daemon.targets.Protection;
import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.HostCgroupfsPolicy;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.api.v1alpha1.LabelSelectorOperator;
import dev.cgroupns.api.v1alpha1.LabelSelectorRequirement;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.api.v1alpha1.PodSelector;
import dev.cgroupns.api.v1alpha1.PodTarget;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CreationDecisionTest {
  private static final String NODE = "node-1";
  private static final String UID = "11111111-1111-1111-1111-111111111111";
  private static final OciMount RUNTIME_CGROUPFS =
      new OciMount(
          "/sys/fs/cgroup",
          "cgroup",
          "cgroup",
          List.of("nosuid", "noexec", "nodev", "relatime", "rw"));
  private static final OciMount PROC =
      new OciMount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
  private static final OciMount HOST_CGROUPFS_BIND =
      new OciMount("/host/cgroup", "bind", "/sys/fs/cgroup", List.of("rbind", "rprivate", "rw"));

  private final CreationDecision decision =
      new CreationDecision(NODE, new Protection("cgroup-isolation", "agent-abcde"));

  @Test
  void aSelectedContainerGetsANamespaceAndAReadOnlyCgroupfs() {
    Outcome outcome = decision.decide(container("team-a", Map.of("app", "x")), List.of(object()));

    assertThat(outcome.kind()).isEqualTo(Kind.ADJUST);
    assertThat(outcome.objects()).containsExactly("team-a/web-0123456789");
    var adjustment = outcome.adjustment();
    assertThat(adjustment.cgroupNamespace()).isTrue();
    assertThat(adjustment.readOnly()).isTrue();
    assertThat(adjustment.removedMounts()).containsExactly("/sys/fs/cgroup");
    assertThat(adjustment.addedMounts())
        .containsExactly(
            new OciMount(
                "/sys/fs/cgroup",
                "cgroup",
                "cgroup",
                List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
    assertThat(outcome.reason()).contains("cgroup namespace").contains("read-only");
  }

  @Test
  void aCgroupfsThatIsAlreadyReadOnlyIsNotTouched() {
    OciMount readOnly =
        new OciMount("/sys/fs/cgroup", "cgroup2", "cgroup", List.of("nosuid", "ro"));
    Outcome outcome =
        decision.decide(
            container("team-a", Map.of("app", "x"), List.of(PROC, readOnly)), List.of(object()));

    assertThat(outcome.kind()).isEqualTo(Kind.ADJUST);
    assertThat(outcome.adjustment().cgroupNamespace()).isTrue();
    assertThat(outcome.adjustment().removedMounts()).isEmpty();
    assertThat(outcome.adjustment().addedMounts()).isEmpty();
  }

  @Test
  void readWriteIsGivenOnlyWhenEveryEnforcingClaimAllowsIt() {
    CgroupIsolationNode readWrite = object();
    readWrite.getSpec().readOnly = false;
    OciMount readOnly = new OciMount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "ro"));
    var creating = container("team-a", Map.of("app", "x"), List.of(readOnly));

    Outcome alone = decision.decide(creating, List.of(readWrite));
    assertThat(alone.adjustment().readOnly()).isFalse();
    assertThat(alone.adjustment().addedMounts())
        .containsExactly(
            new OciMount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "rw")));

    CgroupIsolationNode other = object("other");
    Outcome together = decision.decide(creating, List.of(readWrite, other));
    assertThat(together.adjustment().readOnly()).isTrue();
    assertThat(together.adjustment().addedMounts()).isEmpty();
    assertThat(together.objects()).containsExactly("team-a/web-0123456789", "team-a/other");
  }

  @Test
  void aPodTheOperatorListedIsTargetedByItsUidEvenWithoutASelector() {
    CgroupIsolationNode old = object();
    old.getSpec().podSelector = null;
    assertThat(decision.decide(container("team-a", Map.of("app", "y")), List.of(old)).kind())
        .isEqualTo(Kind.LEAVE);
    old.getSpec().pods.add(new PodTarget("web", UID));
    assertThat(decision.decide(container("team-a", Map.of("app", "y")), List.of(old)).kind())
        .isEqualTo(Kind.ADJUST);
  }

  @Test
  void matchExpressionsAreHonoured() {
    CgroupIsolationNode object = object();
    object.getSpec().podSelector =
        new PodSelector(
            null,
            List.of(
                new LabelSelectorRequirement("app", LabelSelectorOperator.NotIn, List.of("x"))));
    assertThat(decision.decide(container("team-a", Map.of("app", "x")), List.of(object)).kind())
        .isEqualTo(Kind.LEAVE);
    assertThat(decision.decide(container("team-a", Map.of("app", "z")), List.of(object)).kind())
        .isEqualTo(Kind.ADJUST);
  }

  @Test
  void otherContainersNamespacesNodesAndRevertedObjectsAreLeftAlone() {
    var creating = container("team-a", Map.of("app", "x"));

    CgroupIsolationNode otherContainers = object();
    otherContainers.getSpec().containers = List.of("sidecar");
    CgroupIsolationNode otherNode = object();
    otherNode.getSpec().nodeName = "node-2";
    CgroupIsolationNode otherNamespace = object();
    otherNamespace.getMetadata().setNamespace("team-b");
    CgroupIsolationNode reverting = object();
    reverting.getSpec().action = NodeAction.Revert;
    CgroupIsolationNode noSpec = object();
    noSpec.setSpec(null);

    for (CgroupIsolationNode object :
        List.of(otherContainers, otherNode, otherNamespace, reverting, noSpec)) {
      Outcome outcome = decision.decide(creating, List.of(object));
      assertThat(outcome.kind()).isEqualTo(Kind.LEAVE);
      assertThat(outcome.adjustment()).isNull();
    }
    assertThat(decision.decide(creating, List.of()).reason())
        .isEqualTo("no isolation selects this container");

    CgroupIsolationNode named = object();
    named.getSpec().containers = List.of("app");
    assertThat(decision.decide(creating, List.of(named)).kind()).isEqualTo(Kind.ADJUST);
  }

  @Test
  void unlabelledPodsAreNotSelectedByALabelSelector() {
    assertThat(decision.decide(container("team-a", Map.of()), List.of(object())).kind())
        .isEqualTo(Kind.LEAVE);
  }

  @Test
  void protectedPodsAreLeftAloneWhateverTheObjectsSay() {
    CgroupIsolationNode everything = object();
    everything.getSpec().podSelector = new PodSelector();
    everything.getMetadata().setNamespace("kube-system");
    assertThat(decision.decide(container("kube-system", Map.of()), List.of(everything)).reason())
        .contains("kube-system");

    CgroupIsolationNode all = object();
    all.getSpec().podSelector = new PodSelector();
    var optedOut =
        new CreatingContainer(
            "team-a",
            "web",
            UID,
            Map.of(),
            Map.of(ApiGroup.OPT_OUT_ANNOTATION, "true"),
            "app",
            List.of(RUNTIME_CGROUPFS));
    assertThat(decision.decide(optedOut, List.of(all)).kind()).isEqualTo(Kind.LEAVE);

    var ownComponent =
        container("team-a", Map.of("app.kubernetes.io/name", "cgroup-isolation-node-agent"));
    assertThat(decision.decide(ownComponent, List.of(all)).kind()).isEqualTo(Kind.LEAVE);
  }

  @Test
  void auditDescribesTheAdjustmentAndMakesNone() {
    CgroupIsolationNode audit = object();
    audit.getSpec().mode = IsolationMode.Audit;
    Outcome outcome = decision.decide(container("team-a", Map.of("app", "x")), List.of(audit));

    assertThat(outcome.kind()).isEqualTo(Kind.WOULD_ADJUST);
    assertThat(outcome.adjustment().removedMounts()).containsExactly("/sys/fs/cgroup");
    assertThat(outcome.reason()).contains("cgroup namespace");
  }

  @Test
  void oneEnforcingClaimOutweighsAudits() {
    CgroupIsolationNode audit = object("audit");
    audit.getSpec().mode = IsolationMode.Audit;
    Outcome outcome =
        decision.decide(container("team-a", Map.of("app", "x")), List.of(audit, object()));
    assertThat(outcome.kind()).isEqualTo(Kind.ADJUST);
    assertThat(outcome.objects()).containsExactly("team-a/web-0123456789");
  }

  @Test
  void aHostCgroupfsBindIsSkippedUnlessTheIsolationIncludesSuchPods() {
    var creating =
        container(
            "team-a", Map.of("app", "x"), List.of(PROC, RUNTIME_CGROUPFS, HOST_CGROUPFS_BIND));
    Outcome skipped = decision.decide(creating, List.of(object()));
    assertThat(skipped.kind()).isEqualTo(Kind.LEAVE);
    assertThat(skipped.reason()).contains("host cgroupfs");

    CgroupIsolationNode including = object();
    including.getSpec().hostCgroupfsPods = HostCgroupfsPolicy.Include;
    Outcome included = decision.decide(creating, List.of(object("skipping"), including));
    assertThat(included.kind()).isEqualTo(Kind.ADJUST);
    assertThat(included.objects()).containsExactly("team-a/web-0123456789");
    assertThat(included.adjustment().removedMounts())
        .containsExactly("/sys/fs/cgroup", "/host/cgroup");
    assertThat(included.adjustment().addedMounts())
        .contains(
            new OciMount(
                "/host/cgroup",
                "cgroup",
                "cgroup",
                List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
  }

  @Test
  void aReplacementTakesTheTypeOfTheRuntimesOwnCgroupfsMount() {
    CgroupIsolationNode including = object();
    including.getSpec().hostCgroupfsPods = HostCgroupfsPolicy.Include;
    OciMount v2 = new OciMount("/sys/fs/cgroup", "cgroup2", "cgroup", List.of("ro"));
    Outcome outcome =
        decision.decide(
            container("team-a", Map.of("app", "x"), List.of(v2, HOST_CGROUPFS_BIND)),
            List.of(including));
    assertThat(outcome.adjustment().addedMounts())
        .singleElement()
        .satisfies(m -> assertThat(m.type()).isEqualTo("cgroup2"));

    Outcome withoutOwn =
        decision.decide(
            container("team-a", Map.of("app", "x"), List.of(HOST_CGROUPFS_BIND)),
            List.of(including));
    assertThat(withoutOwn.adjustment().addedMounts())
        .singleElement()
        .satisfies(m -> assertThat(m.type()).isEqualTo("cgroup"));
  }

  @Test
  void aBindOfADirectoryAboveOrBelowTheCgroupfsIsLeftToRemounting() {
    CgroupIsolationNode including = object();
    including.getSpec().hostCgroupfsPods = HostCgroupfsPolicy.Include;
    for (String source : List.of("/", "/sys", "/sys/fs/cgroup/memory")) {
      OciMount bind = new OciMount("/host", "bind", source, List.of("rbind", "ro"));
      Outcome outcome =
          decision.decide(
              container("team-a", Map.of("app", "x"), List.of(RUNTIME_CGROUPFS, bind)),
              List.of(including));
      assertThat(outcome.kind()).as(source).isEqualTo(Kind.LEAVE);
      assertThat(outcome.reason()).contains(source);
    }
  }

  @Test
  void otherBindsAreNotHostCgroupfs() {
    OciMount logs = new OciMount("/var/log", "bind", "/var/log", List.of("rbind", "rw"));
    Outcome outcome =
        decision.decide(
            container("team-a", Map.of("app", "x"), List.of(RUNTIME_CGROUPFS, logs)),
            List.of(object()));
    assertThat(outcome.kind()).isEqualTo(Kind.ADJUST);
    assertThat(outcome.adjustment().removedMounts()).containsExactly("/sys/fs/cgroup");
  }

  private static CreatingContainer container(String namespace, Map<String, String> labels) {
    return container(namespace, labels, List.of(PROC, RUNTIME_CGROUPFS));
  }

  private static CreatingContainer container(
      String namespace, Map<String, String> labels, List<OciMount> mounts) {
    return new CreatingContainer(namespace, "web", UID, labels, Map.of(), "app", mounts);
  }

  private static CgroupIsolationNode object() {
    return object("web-0123456789");
  }

  private static CgroupIsolationNode object(String name) {
    CgroupIsolationNode object = new CgroupIsolationNode();
    object.setMetadata(new ObjectMetaBuilder().withNamespace("team-a").withName(name).build());
    CgroupIsolationNodeSpec spec = new CgroupIsolationNodeSpec();
    spec.nodeName = NODE;
    spec.isolationName = name;
    spec.podSelector = new PodSelector(Map.of("app", "x"), null);
    spec.pods = new ArrayList<>();
    object.setSpec(spec);
    return object;
  }
}
