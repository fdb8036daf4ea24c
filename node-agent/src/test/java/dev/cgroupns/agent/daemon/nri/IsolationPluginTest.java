package dev.cgroupns.agent.daemon.nri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.daemon.nri.CreationDecision.Kind;
import dev.cgroupns.agent.daemon.targets.Protection;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.PodSelector;
import dev.cgroupns.nri.Removals;
import dev.cgroupns.nri.api.Container;
import dev.cgroupns.nri.api.CreateContainerResponse;
import dev.cgroupns.nri.api.Mount;
import dev.cgroupns.nri.api.PodSandbox;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IsolationPluginTest {
  private static final String ID = "a".repeat(64);
  private static final PodSandbox POD =
      PodSandbox.newBuilder()
          .setNamespace("team-a")
          .setName("web")
          .setUid("11111111-1111-1111-1111-111111111111")
          .putLabels("app", "x")
          .build();
  private static final Container CONTAINER =
      Container.newBuilder()
          .setId(ID)
          .setName("app")
          .addMounts(
              Mount.newBuilder()
                  .setDestination("/sys/fs/cgroup")
                  .setType("cgroup")
                  .setSource("cgroup")
                  .addAllOptions(List.of("nosuid", "rw")))
          .build();

  private final List<Kind> answers = new ArrayList<>();
  private final AtCreationLedger ledger = new AtCreationLedger();

  @Test
  void anAdjustedContainerGetsTheNamespaceAndReplacedMountAndIsRemembered() {
    CreateContainerResponse response = plugin(List.of(object())).createContainer(POD, CONTAINER);

    var adjust = response.getAdjust();
    assertThat(adjust.getLinux().getNamespacesList())
        .singleElement()
        .satisfies(n -> assertThat(n.getType()).isEqualTo("cgroup"));
    assertThat(adjust.getMountsList())
        .extracting(Mount::getDestination)
        .containsExactly(Removals.marked("/sys/fs/cgroup"), "/sys/fs/cgroup");
    assertThat(adjust.getMounts(1).getOptionsList()).containsExactly("nosuid", "ro");
    assertThat(adjust.getMounts(1).getType()).isEqualTo("cgroup");
    assertThat(adjust.getAnnotationsMap())
        .containsExactly(Map.entry("cgroupns.dev/isolated-at-creation", "read-only"));
    assertThat(ledger.find(ID)).contains(new AtCreationLedger.Entry(POD.getUid(), "app", true));
    assertThat(answers).containsExactly(Kind.ADJUST);
  }

  @Test
  void aRestartedAgentFindsTheContainersItMarkedWhenTheRuntimeSynchronizes() throws Exception {
    PodSandbox pod = POD.toBuilder().setId("sandbox-1").build();
    Container marked =
        CONTAINER.toBuilder()
            .setPodSandboxId("sandbox-1")
            .putAnnotations("cgroupns.dev/isolated-at-creation", "read-write")
            .build();
    Container unmarked = CONTAINER.toBuilder().setId("b".repeat(64)).build();
    List<String> restored = new ArrayList<>();
    ledger.onRestore(() -> restored.add("restored"));

    plugin(List.of()).synchronize(List.of(pod), List.of(marked, unmarked));

    assertThat(restored).containsExactly("restored");
    assertThat(ledger.find(ID)).contains(new AtCreationLedger.Entry(POD.getUid(), "app", false));
    assertThat(ledger.find("b".repeat(64))).isEmpty();
  }

  @Test
  void removedContainersAreForgotten() throws Exception {
    IsolationPlugin plugin = plugin(List.of(object()));
    plugin.createContainer(POD, CONTAINER);
    plugin.removeContainer(POD, CONTAINER);
    assertThat(ledger.find(ID)).isEmpty();
  }

  @Test
  void anUnselectedContainerGetsNoAdjustmentAtAll() {
    CreateContainerResponse response = plugin(List.of()).createContainer(POD, CONTAINER);
    assertThat(response).isEqualTo(CreateContainerResponse.getDefaultInstance());
    assertThat(ledger.size()).isZero();
    assertThat(answers).containsExactly(Kind.LEAVE);
  }

  @Test
  void aFailureIsAnsweredWithNoAdjustmentNeverAnError() {
    IsolationPlugin plugin =
        new IsolationPlugin(
            new CreationDecision("node-1", new Protection(null, null)),
            () -> {
              throw new IllegalStateException("cache broken");
            },
            ledger,
            (kind, took) -> answers.add(kind));
    assertThat(plugin.createContainer(POD, CONTAINER))
        .isEqualTo(CreateContainerResponse.getDefaultInstance());
    assertThat(ledger.size()).isZero();
    assertThat(answers).containsExactly(Kind.LEAVE);
  }

  @Test
  void auditAdjustsNothing() {
    CgroupIsolationNode audit = object();
    audit.getSpec().mode = dev.cgroupns.api.v1alpha1.IsolationMode.Audit;
    assertThat(plugin(List.of(audit)).createContainer(POD, CONTAINER))
        .isEqualTo(CreateContainerResponse.getDefaultInstance());
    assertThat(answers).containsExactly(Kind.WOULD_ADJUST);
    assertThat(ledger.size()).isZero();
  }

  private IsolationPlugin plugin(List<CgroupIsolationNode> objects) {
    return new IsolationPlugin(
        new CreationDecision("node-1", new Protection(null, null)),
        () -> objects,
        ledger,
        (kind, took) -> answers.add(kind));
  }

  private static CgroupIsolationNode object() {
    CgroupIsolationNode object = new CgroupIsolationNode();
    object.setMetadata(new ObjectMetaBuilder().withNamespace("team-a").withName("web-1").build());
    CgroupIsolationNodeSpec spec = new CgroupIsolationNodeSpec();
    spec.nodeName = "node-1";
    spec.isolationName = "web";
    spec.podSelector = new PodSelector(Map.of("app", "x"), null);
    object.setSpec(spec);
    return object;
  }
}
