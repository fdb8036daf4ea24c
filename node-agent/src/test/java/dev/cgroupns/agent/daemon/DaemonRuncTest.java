package dev.cgroupns.agent.daemon;

import static dev.cgroupns.agent.daemon.TestObjects.NODE;
import static dev.cgroupns.agent.daemon.TestObjects.nodeObject;
import static dev.cgroupns.agent.runc.RuncFixture.identity;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.daemon.engine.KernelContainerEngine;
import dev.cgroupns.agent.inspect.ContainerInspector;
import dev.cgroupns.agent.isolate.ContainerIsolator;
import dev.cgroupns.agent.isolate.IsolationOutcome;
import dev.cgroupns.agent.isolate.IsolationRequest;
import dev.cgroupns.agent.isolate.StateStore;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.agent.testing.HostLayout;
import dev.cgroupns.agent.testing.HostMountTable;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.MountState;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.api.validation.CrdValidator;
import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon with the real engine, on a real runc container that sees the host's whole cgroupfs (as
 * a privileged or hostPath pod does), against the CRUD mock API server: the instructions come
 * through the API, the container is found through /proc by the ID in the pod's status, and the
 * status reports what the kernel shows inside the container.
 */
class DaemonRuncTest {
  private final ProcFs procFs = ProcFs.host();
  private RuncFixture runc;
  private DaemonFixture fx;
  private HostMountTable hostMounts;

  @BeforeEach
  void setUp() throws IOException {
    runc = RuncFixture.create();
    hostMounts = HostMountTable.snapshot();
    fx =
        new DaemonFixture(
            KernelContainerEngine.create(
                Path.of("/proc"),
                Path.of("/sys/fs/cgroup"),
                runc.workDir().resolve("state"),
                (int) ProcessHandle.current().pid()));
  }

  @AfterEach
  void tearDown() throws IOException {
    // Null when setUp was skipped (no root, runc or busybox): nothing to check or close.
    if (runc == null) {
      return;
    }
    try {
      // Null when the engine could not be made; the container and the mount check still count.
      if (fx != null) {
        fx.close();
      }
      hostMounts.assertUnchanged();
    } finally {
      runc.close();
    }
  }

  @Test
  void isolatesARealContainerSurvivesRestartsAndRevertsIt() {
    TestObjects.PodWithContainer started = startPod("app");
    DemoContainer container = started.container();
    Pod pod = started.pod();
    ContainerInspector inspector = ContainerInspector.comparingWithSelf(procFs);
    assertThat(inspector.inspect(identity(container)).exposesMore()).isTrue();
    CgroupIsolationNode object = fx.create(nodeObject("team", "app-node-a", NODE, pod));

    fx.start();
    CgroupIsolationNode isolated = fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);

    ContainerResult result = isolated.getStatus().containers.get(0);
    assertThat(result.phase).isEqualTo(ContainerPhase.Isolated);
    assertThat(result.pid).isEqualTo((long) container.pid());
    assertThat(result.privateNamespace).isFalse();
    // Hybrid here, V2 in the pure cgroup v2 VM (PureCgroupV2VmTest).
    assertThat(result.cgroupVersion).isEqualTo(HostLayout.detect().version());
    assertThat(result.mountState).isEqualTo(MountState.ReadOnly);
    assertThat(result.hostCgroupPaths)
        .extracting(p -> p.path)
        .allMatch(p -> p.endsWith(container.containerId()));
    assertThat(result.view.mounts).isNotEmpty();
    assertThat(result.view.mounts).allMatch(m -> m.readOnly && !m.exposesMore);
    // What the real engine reported fits the CRD's schema and rules.
    assertThat(
            CrdValidator.forCommittedCrds()
                .validateCreate(Serialization.jsonMapper().valueToTree(isolated)))
        .isEmpty();
    // The kernel agrees, read independently of the daemon.
    assertThat(inspector.inspect(identity(container)).exposesMore()).isFalse();
    assertThat(inspector.inspect(identity(container)).mountState()).isEqualTo(MountState.ReadOnly);

    // A restarted agent re-derives everything from the kernel: "already isolated", no new write.
    int writes = fx.api.statusPatches();
    fx.stopDaemon();
    fx.start();
    fx.verifyAllNow();
    assertThat(fx.api.statusPatches()).isEqualTo(writes);
    assertThat(inspector.inspect(identity(container)).exposesMore()).isFalse();

    // The container restarts: a new container (new ID) behind the same pod is isolated again.
    container.kill();
    DemoContainer restarted =
        runc.start(ContainerSpec.plain().withHostCgroupfs(), container.podUid());
    String restartedId = "containerd://" + restarted.containerId();
    fx.setContainerStatuses(pod, TestObjects.runningStatus("c0", restarted.containerId()));
    fx.awaitStatus(
        object,
        o ->
            restartedId.equals(o.getStatus().containers.get(0).containerID)
                && o.getStatus().containers.get(0).phase == ContainerPhase.Isolated);
    assertThat(inspector.inspect(identity(restarted)).exposesMore()).isFalse();

    fx.editSpec(object, spec -> spec.action = NodeAction.Revert);
    CgroupIsolationNode reverted = fx.awaitStatus(object, o -> o.getStatus().summary.reverted == 1);

    assertThat(reverted.getStatus().containers.get(0).phase).isEqualTo(ContainerPhase.Reverted);
    assertThat(inspector.inspect(identity(restarted)).exposesMore()).isTrue();
  }

  /**
   * Someone with CAP_SYS_ADMIN in the container makes an isolated cgroupfs mount writable again
   * behind the agent's back (a bind remount changes that one mount, never the hierarchy). The next
   * verifying pass finds it, isolates the container again and says so: drift, repaired.
   */
  @Test
  void driftInARealContainerIsFoundAndRepairedByTheNextVerification() {
    TestObjects.PodWithContainer started = startPod("drifty");
    DemoContainer container = started.container();
    ContainerInspector inspector = ContainerInspector.comparingWithSelf(procFs);
    CgroupIsolationNode object =
        fx.create(nodeObject("team", "drifty-node-a", NODE, started.pod()));
    fx.start();
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);
    String mountPoint = inspector.inspect(identity(container)).mounts().get(0).mountPoint();

    runc.execAsAdmin(container, "mount", "-o", "remount,bind,rw", mountPoint);
    assertThat(inspector.inspect(identity(container)).mountState())
        .isNotEqualTo(MountState.ReadOnly);
    fx.verifyAllNow();

    CgroupIsolationNode repaired =
        fx.awaitStatus(object, o -> o.getStatus().containers.get(0).message.contains("drift"));
    assertThat(repaired.getStatus().containers.get(0).phase).isEqualTo(ContainerPhase.Isolated);
    assertThat(repaired.getStatus().containers.get(0).mountState).isEqualTo(MountState.ReadOnly);
    assertThat(inspector.inspect(identity(container)).mountState()).isEqualTo(MountState.ReadOnly);
    assertThat(inspector.inspect(identity(container)).exposesMore()).isFalse();
    assertThat(fx.registry.get("cgroupns.agent.drift.repairs").counter().count()).isEqualTo(1.0);
  }

  /**
   * The node object is deleted while the agent is down (the operator's revert timeout, or a forced
   * deletion): the restarted agent reverts what it had isolated for it, from the owner its revert
   * record names, and leaves alone a container a person isolated with the CLI in the same state
   * directory.
   */
  @Test
  void aRestartedAgentRevertsWhatAnObjectDeletedMeanwhileIsolatedButNotTheClis() {
    TestObjects.PodWithContainer started = startPod("app");
    DemoContainer daemons = started.container();
    DemoContainer clis = runc.start(ContainerSpec.plain().withHostCgroupfs());
    ContainerInspector inspector = ContainerInspector.comparingWithSelf(procFs);
    StateStore store = new StateStore(runc.workDir().resolve("state"));
    ContainerIsolator cli =
        ContainerIsolator.create(
            procFs, CgroupLayout.detect(procFs, Path.of("/sys/fs/cgroup")), store);
    assertThat(cli.isolate(IsolationRequest.of(identity(clis))).result())
        .isEqualTo(IsolationOutcome.Result.ISOLATED);
    Pod pod = started.pod();
    CgroupIsolationNode object = fx.create(nodeObject("team", "app-node-a", NODE, pod));
    fx.start();
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);
    assertThat(store.read(identity(daemons)).orElseThrow().owner().objectUid())
        .isEqualTo(object.getMetadata().getUid());
    assertThat(store.read(identity(clis)).orElseThrow().owner()).isNull();

    fx.stopDaemon();
    fx.api.client().resource(fx.get(object)).withGracePeriod(0).delete();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> fx.get(object) == null);
    assertThat(inspector.inspect(identity(daemons)).exposesMore()).isFalse();
    fx.start();

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> inspector.inspect(identity(daemons)).exposesMore());
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> store.read(identity(daemons)).isEmpty());
    assertThat(fx.registry.get("cgroupns.agent.reverts.orphaned").counter().count()).isEqualTo(1.0);
    // The CLI's container: untouched, still isolated, its record kept for a person to revert.
    assertThat(inspector.inspect(identity(clis)).exposesMore()).isFalse();
    assertThat(store.read(identity(clis))).isPresent();
    assertThat(cli.revert(identity(clis), false).result())
        .isEqualTo(IsolationOutcome.Result.REVERTED);
  }

  /**
   * Someone who may patch pods/status names another pod's container (here: a container of a pod no
   * isolation selects, a monitoring DaemonSet's, say) in the status of a selected pod. The kernel
   * shows that container in the other pod's cgroup: the agent refuses, says why in the status, and
   * leaves the container as it was; the same for a revert of a container recorded for this pod.
   */
  @Test
  void aContainerIdInPodStatusNamingAnotherPodsContainerIsRefused() {
    TestObjects.PodWithContainer started = startPod("app");
    DemoContainer own = started.container();
    DemoContainer monitoring = startPod("monitoring").container();
    ContainerInspector inspector = ContainerInspector.comparingWithSelf(procFs);
    Pod forged =
        fx.setContainerStatuses(
            started.pod(), TestObjects.runningStatus("c0", monitoring.containerId()));
    CgroupIsolationNode object = fx.create(nodeObject("team", "app-node-a", NODE, forged));

    fx.start();
    CgroupIsolationNode refused =
        fx.awaitStatus(
            object,
            o ->
                !o.getStatus().containers.isEmpty()
                    && o.getStatus().containers.get(0).phase == ContainerPhase.Failed);

    ContainerResult result = refused.getStatus().containers.get(0);
    assertThat(result.message)
        .contains("pod " + monitoring.podUid())
        .contains(forged.getMetadata().getUid())
        .contains("another pod's");
    assertThat(inspector.inspect(identity(monitoring)).exposesMore())
        .as("the other pod's container is untouched")
        .isTrue();

    // The status is put right: the pod's own container is isolated.
    fx.setContainerStatuses(forged, TestObjects.runningStatus("c0", own.containerId()));
    fx.awaitStatus(object, o -> o.getStatus().summary.isolated == 1);
    assertThat(inspector.inspect(identity(own)).exposesMore()).isFalse();

    // A forged ID again, now for the revert: the other pod's container is not reverted either.
    ContainerIsolator cli =
        ContainerIsolator.create(
            procFs,
            CgroupLayout.detect(procFs, Path.of("/sys/fs/cgroup")),
            new StateStore(runc.workDir().resolve("state")));
    assertThat(cli.isolate(IsolationRequest.of(identity(monitoring))).result())
        .isEqualTo(IsolationOutcome.Result.ISOLATED);
    KernelContainerEngine engine =
        KernelContainerEngine.create(
            Path.of("/proc"),
            Path.of("/sys/fs/cgroup"),
            runc.workDir().resolve("state"),
            (int) ProcessHandle.current().pid());
    assertThat(engine.revert(identity(monitoring), forged.getMetadata().getUid()).detail())
        .contains("another pod's");
    assertThat(inspector.inspect(identity(monitoring)).exposesMore())
        .as("the other pod's container stays as its own agent left it")
        .isFalse();
    assertThat(cli.revert(identity(monitoring), false).result())
        .isEqualTo(IsolationOutcome.Result.REVERTED);
  }

  /** A running pod whose container is a real one in that pod's cgroup, seeing the host cgroupfs. */
  private TestObjects.PodWithContainer startPod(String name) {
    return TestObjects.createRunningPod(
        fx.api.client(),
        "team",
        name,
        NODE,
        uid -> runc.start(ContainerSpec.plain().withHostCgroupfs(), uid));
  }
}
