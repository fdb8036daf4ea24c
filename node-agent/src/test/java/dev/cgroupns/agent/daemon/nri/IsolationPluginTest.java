package dev.cgroupns.agent.daemon.nri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.daemon.nri.CreationDecision.Kind;
import dev.cgroupns.agent.daemon.targets.Protection;
import dev.cgroupns.api.v1alpha1.AtCreationState;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.PodSelector;
import dev.cgroupns.nri.EventMask;
import dev.cgroupns.nri.Removals;
import dev.cgroupns.nri.api.ConfigureRequest;
import dev.cgroupns.nri.api.Container;
import dev.cgroupns.nri.api.CreateContainerResponse;
import dev.cgroupns.nri.api.Event;
import dev.cgroupns.nri.api.Mount;
import dev.cgroupns.nri.api.PodSandbox;
import dev.cgroupns.nri.api.StateChangeEvent;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
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
  private final List<String> refusals = new ArrayList<>();
  private int registrations;

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

  @Test
  void aRetriedCreationOfAnAdjustedContainerIsAnsweredUnadjustedAndSaidOnce() throws Exception {
    IsolationPlugin plugin = plugin(List.of(object()));
    plugin.configure(ConfigureRequest.getDefaultInstance());
    plugin.createContainer(POD, CONTAINER);

    // The runtime refused it (the plugin is told nothing) and the kubelet retries: a new ID.
    Container retry = CONTAINER.toBuilder().setId("b".repeat(64)).build();
    CreateContainerResponse answer = plugin.createContainer(POD, retry);

    assertThat(answer).isEqualTo(CreateContainerResponse.getDefaultInstance());
    assertThat(refusals)
        .singleElement()
        .satisfies(
            r ->
                assertThat(r)
                    .contains("container app of pod team-a/web")
                    .hasSizeLessThan(AtCreationState.MAX_REASON)
                    .contains("reject_namespace_adjustment"));
    assertThat(ledger.find(ID)).as("never created").isEmpty();
    assertThat(ledger.find(retry.getId())).isEmpty();
    // Every later creation on this connection too, and the refusal is not said again.
    Container other = CONTAINER.toBuilder().setId("c".repeat(64)).setName("other").build();
    assertThat(plugin.createContainer(POD, other))
        .isEqualTo(CreateContainerResponse.getDefaultInstance());
    assertThat(refusals).hasSize(1);
    assertThat(answers).containsExactly(Kind.ADJUST, Kind.LEAVE, Kind.LEAVE);
  }

  @Test
  void aCreatedAdjustedContainerThatRestartsIsAdjustedAgain() throws Exception {
    IsolationPlugin plugin = plugin(List.of(object()));
    plugin.configure(ConfigureRequest.getDefaultInstance());
    plugin.createContainer(POD, CONTAINER);
    plugin.stateChange(
        StateChangeEvent.newBuilder()
            .setEvent(Event.POST_CREATE_CONTAINER)
            .setPod(POD)
            .setContainer(CONTAINER)
            .build());

    Container restarted = CONTAINER.toBuilder().setId("b".repeat(64)).build();
    assertThat(plugin.createContainer(POD, restarted).hasAdjust()).isTrue();
    assertThat(refusals).isEmpty();
    assertThat(answers).containsExactly(Kind.ADJUST, Kind.ADJUST);
  }

  @Test
  void aRefusalIsSeenThroughTheUndoContainerdSendsForIt() throws Exception {
    IsolationPlugin plugin = plugin(List.of(object()));
    plugin.configure(ConfigureRequest.getDefaultInstance());
    plugin.createContainer(POD, CONTAINER);
    // containerd 2.2 undoes a refused creation: StopContainer, then REMOVE_CONTAINER, no
    // POST_CREATE_CONTAINER.
    plugin.stopContainer(POD, CONTAINER);
    plugin.stateChange(
        StateChangeEvent.newBuilder()
            .setEvent(Event.REMOVE_CONTAINER)
            .setPod(POD)
            .setContainer(CONTAINER)
            .build());

    Container retry = CONTAINER.toBuilder().setId("b".repeat(64)).build();
    assertThat(plugin.createContainer(POD, retry).hasAdjust()).isFalse();
    assertThat(refusals).hasSize(1);
  }

  @Test
  void registeringAgainForgetsTheRefusal() throws Exception {
    IsolationPlugin plugin = plugin(List.of(object()));
    plugin.configure(ConfigureRequest.getDefaultInstance());
    plugin.createContainer(POD, CONTAINER);
    plugin.createContainer(POD, CONTAINER.toBuilder().setId("b".repeat(64)).build());
    assertThat(refusals).hasSize(1);

    plugin.configure(ConfigureRequest.getDefaultInstance());

    assertThat(registrations).isEqualTo(2);
    assertThat(plugin.createContainer(POD, CONTAINER.toBuilder().setId("c".repeat(64)).build()))
        .satisfies(r -> assertThat(r.hasAdjust()).isTrue());
  }

  @Test
  void itSubscribesToWhatTellsACreatedContainer() throws Exception {
    EventMask mask = plugin(List.of()).configure(ConfigureRequest.getDefaultInstance());
    assertThat(mask)
        .isEqualTo(
            EventMask.of(
                Event.CREATE_CONTAINER, Event.POST_CREATE_CONTAINER, Event.REMOVE_CONTAINER));
  }

  private IsolationPlugin plugin(List<CgroupIsolationNode> objects) {
    return new IsolationPlugin(
        new CreationDecision("node-1", new Protection(null, null)),
        () -> objects,
        ledger,
        new IsolationPlugin.Listener() {
          @Override
          public void answered(Kind kind, Duration took) {
            answers.add(kind);
          }

          @Override
          public void registering() {
            registrations++;
          }

          @Override
          public void refused(String reason) {
            refusals.add(reason);
          }
        });
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
