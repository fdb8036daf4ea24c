package dev.cgroupns.agent.daemon;

import static dev.cgroupns.agent.daemon.TestObjects.NODE;
import static dev.cgroupns.agent.daemon.TestObjects.containerId;
import static dev.cgroupns.agent.daemon.TestObjects.nodeObject;
import static dev.cgroupns.agent.daemon.TestObjects.runningPod;
import static dev.cgroupns.agent.daemon.TestObjects.uid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.daemon.api.StatusWriter;
import dev.cgroupns.agent.daemon.arrivals.ContainerArrivals;
import dev.cgroupns.agent.daemon.engine.ContainerEngine;
import dev.cgroupns.agent.daemon.engine.FailureReason;
import dev.cgroupns.agent.daemon.engine.ViewReading;
import dev.cgroupns.agent.daemon.events.ContainerEvent;
import dev.cgroupns.agent.daemon.ops.AgentMetrics;
import dev.cgroupns.agent.daemon.targets.ClaimIndex;
import dev.cgroupns.agent.daemon.targets.PodSnapshot;
import dev.cgroupns.agent.daemon.targets.Protection;
import dev.cgroupns.agent.daemon.targets.TargetResolver;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.api.v1alpha1.AtCreationState;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pass logic alone: called directly on the test's thread with a fake engine and a status writer
 * that records, so each test says exactly which engine calls and which writes one pass makes.
 */
class NodeObjectReconcilerTest {
  private final FakeEngine engine = new FakeEngine();
  private final RecordingWriter writer = new RecordingWriter();
  private final List<ContainerEvent> events = new ArrayList<>();
  private final ExecutorService engineThreads = Executors.newFixedThreadPool(2);
  private NodeObjectReconciler reconciler;
  private AtCreationState atCreation = new AtCreationState(true, null);

  @BeforeEach
  void setUp() {
    reconciler =
        new NodeObjectReconciler(
            NODE,
            "node-agent/" + NODE,
            new TargetResolver(NODE, new Protection(null, null)),
            engine,
            new AgentMetrics(new SimpleMeterRegistry()),
            Duration.ofMinutes(10),
            Clock.fixed(Instant.parse("2026-12-02T12:00:00Z"), ZoneOffset.UTC),
            engineThreads,
            events::add,
            containerId -> false,
            () -> atCreation);
  }

  @AfterEach
  void tearDown() {
    engineThreads.shutdownNow();
  }

  @Test
  void aNewObjectIsIsolatedForItsOwnerAndReportedInOneWrite() {
    String c0 = containerId();
    engine.start(c0);
    Pod pod = runningPod("team", "a", NODE, c0);
    CgroupIsolationNode object = stored(nodeObject("team", "iso-node-a", NODE, pod));

    assertThat(pass(object, List.of(pod), false)).isEqualTo(Ended.WRITTEN);

    assertThat(engine.calls()).containsExactly("isolate:" + c0);
    assertThat(engine.readings()).containsExactly(ViewReading.READ);
    assertThat(engine.owner(c0).objectUid()).isEqualTo(object.getMetadata().getUid());
    assertThat(engine.owner(c0).podUid()).isEqualTo(pod.getMetadata().getUid());
    assertThat(engine.readOnly(c0)).isTrue();
    assertThat(writer.writes).hasSize(1);
    CgroupIsolationNodeStatus status = writer.writes.get(0);
    assertThat(status.observedGeneration).isEqualTo(1L);
    assertThat(status.containers)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.phase).isEqualTo(ContainerPhase.Isolated);
              assertThat(r.containerID).isEqualTo("containerd://" + c0);
            });
    assertThat(events).singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo("Isolated"));
  }

  @Test
  void anIncrementalPassOverASettledContainerNeitherCallsTheEngineNorWrites() {
    String c0 = containerId();
    engine.start(c0);
    Pod pod = runningPod("team", "a", NODE, c0);
    CgroupIsolationNode object = stored(nodeObject("team", "iso-node-a", NODE, pod));
    pass(object, List.of(pod), false);

    pass(object, List.of(pod), false);

    assertThat(engine.calls()).hasSize(1);
    assertThat(writer.writes).hasSize(1);
  }

  @Test
  void anIncrementalPassWritesAChangeOfTheAtCreationStateAlone() {
    String c0 = containerId();
    engine.start(c0);
    Pod pod = runningPod("team", "a", NODE, c0);
    CgroupIsolationNode object = stored(nodeObject("team", "iso-node-a", NODE, pod));
    pass(object, List.of(pod), false);
    assertThat(writer.writes.get(0).atCreation.active).isTrue();

    atCreation = new AtCreationState(false, "the runtime refused an adjusted creation");
    pass(object, List.of(pod), false);

    assertThat(engine.calls()).hasSize(1);
    assertThat(writer.writes).hasSize(2);
    assertThat(writer.writes.get(1).atCreation.active).isFalse();
    assertThat(writer.writes.get(1).atCreation.reason)
        .isEqualTo("the runtime refused an adjusted creation");
  }

  @Test
  void aVerifyingPassAsksTheEngineAgainWithoutReReadingAViewTheStatusHolds() {
    String c0 = containerId();
    engine.start(c0);
    Pod pod = runningPod("team", "a", NODE, c0);
    CgroupIsolationNode object = stored(nodeObject("team", "iso-node-a", NODE, pod));
    pass(object, List.of(pod), false);

    pass(object, List.of(pod), true);

    assertThat(engine.calls()).containsExactly("isolate:" + c0, "isolate:" + c0);
    assertThat(engine.readings()).containsExactly(ViewReading.READ, ViewReading.ONLY_WHEN_CHANGED);
    assertThat(writer.writes).as("nothing changed, heartbeat not due").hasSize(1);
  }

  @Test
  void aStatusThatCouldNotBeWrittenIsKeptAndWrittenByTheNextPassWithoutRedoingTheWork() {
    String c0 = containerId();
    engine.start(c0);
    Pod pod = runningPod("team", "a", NODE, c0);
    CgroupIsolationNode object = stored(nodeObject("team", "iso-node-a", NODE, pod));
    writer.answers.add(StatusWriter.Result.FAILED);

    assertThat(pass(object, List.of(pod), false)).isEqualTo(Ended.RETRY_WRITE);
    assertThat(pass(object, List.of(pod), false)).isEqualTo(Ended.WRITTEN);

    assertThat(engine.calls()).containsExactly("isolate:" + c0);
    assertThat(writer.writes).hasSize(2);
    assertThat(writer.writes.get(1).containers.get(0).phase).isEqualTo(ContainerPhase.Isolated);
  }

  @Test
  void anEngineFailureIsReportedPerContainerAndTheOtherContainerIsStillIsolated() {
    String c0 = containerId();
    String c1 = containerId();
    engine.start(c0);
    engine.start(c1);
    engine.failNextCall(c0, FailureReason.MountTableTooLarge);
    Pod pod = runningPod("team", "a", NODE, c0, c1);
    CgroupIsolationNode object = stored(nodeObject("team", "iso-node-a", NODE, pod));

    pass(object, List.of(pod), false);

    CgroupIsolationNodeStatus status = writer.writes.get(0);
    assertThat(status.containers)
        .extracting(r -> r.container, r -> r.phase)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("c0", ContainerPhase.Failed),
            org.assertj.core.groups.Tuple.tuple("c1", ContainerPhase.Isolated));
    assertThat(engine.isIsolated(c1)).isTrue();
  }

  @Test
  void anObjectWhoseSpecNamesAnotherNodeIsNeitherActedOnNorWritten() {
    String c0 = containerId();
    engine.start(c0);
    Pod pod = runningPod("team", "a", NODE, c0);
    CgroupIsolationNode object = stored(nodeObject("team", "iso-node-a", NODE, pod));
    object.getSpec().nodeName = "node-b";

    pass(object, List.of(pod), true);

    assertThat(engine.calls()).isEmpty();
    assertThat(writer.writes).isEmpty();
  }

  @Test
  void aContainerThatNoLongerRunsIsReportedNotFoundWithoutAnEngineCall() {
    Pod pod = runningPod("team", "a", NODE, containerId());
    CgroupIsolationNode object = stored(nodeObject("team", "iso-node-a", NODE, pod));

    pass(object, List.of(pod), false);

    assertThat(engine.calls()).isEmpty();
    assertThat(writer.writes.get(0).containers.get(0).message).contains("no process");
  }

  @Test
  void aContainerTheNodeShowedStartingIsIsolatedWithoutScanningProc() {
    String c0 = containerId();
    ProcessIdentity init = engine.start(c0);
    Pod pod = runningPod("team", "a", NODE, c0);
    ContainerArrivals arrivals = new ContainerArrivals(identity -> true);
    arrivals.arrived(
        new ContainerArrivals.Arrival(
            pod.getMetadata().getUid(),
            pod.getSpec().getContainers().get(0).getName(),
            c0,
            "containerd://" + c0,
            init,
            Instant.EPOCH));
    NodeObjectReconciler withArrivals =
        new NodeObjectReconciler(
            NODE,
            "node-agent/" + NODE,
            new TargetResolver(NODE, new Protection(null, null), arrivals.lookup()),
            engine,
            new AgentMetrics(new SimpleMeterRegistry()),
            Duration.ofMinutes(10),
            Clock.systemUTC(),
            engineThreads,
            events::add,
            containerId -> false,
            () -> atCreation);
    CgroupIsolationNode object = stored(nodeObject("team", "iso-node-a", NODE, pod));
    AtomicInteger scans = new AtomicInteger();
    Supplier<ContainerEngine.Snapshot> snapshot =
        () -> {
          scans.incrementAndGet();
          return engine.snapshot();
        };

    withArrivals.reconcile(
        object,
        new PodSnapshot(NODE, List.of(pod)),
        ClaimIndex.of(List.of(object)),
        false,
        snapshot);

    assertThat(engine.calls()).containsExactly("isolate:" + c0);
    assertThat(engine.isIsolated(c0)).isTrue();
    assertThat(scans).as("/proc snapshots taken").hasValue(0);

    // Without the arrival, the same pass must look for the container in /proc.
    pass(stored(nodeObject("team", "iso-node-b", NODE, pod)), List.of(pod), false);
    assertThat(engine.calls()).hasSize(2);
  }

  @Test
  void aWriteStillOnItsWayIsNotAskedForTwiceAndAFailedOneIsAskedForAgain() {
    String c0 = containerId();
    engine.start(c0);
    Pod pod = runningPod("team", "a", NODE, c0);
    CgroupIsolationNode object = stored(nodeObject("team", "iso-node-a", NODE, pod));

    Optional<NodeObjectReconciler.StatusWrite> first = reconcile(object, List.of(pod), false);
    assertThat(first).isPresent();
    assertThat(reconcile(object, List.of(pod), false))
        .as("the same status, still on its way")
        .isEmpty();

    assertThat(reconciler.written(first.get(), StatusWriter.Result.FAILED)).isTrue();
    Optional<NodeObjectReconciler.StatusWrite> again = reconcile(object, List.of(pod), false);
    assertThat(again).hasValueSatisfying(w -> assertThat(w.status().summary.isolated).isEqualTo(1));
    assertThat(reconciler.written(again.get(), StatusWriter.Result.WRITTEN)).isFalse();
    assertThat(reconcile(object, List.of(pod), false)).isEmpty();
    assertThat(engine.calls()).containsExactly("isolate:" + c0);
  }

  /** How a pass ended, its write made at once as the daemon's write queue makes it. */
  private enum Ended {
    NOTHING_TO_WRITE,
    WRITTEN,
    RETRY_WRITE
  }

  private Ended pass(CgroupIsolationNode object, List<Pod> pods, boolean verify) {
    Optional<NodeObjectReconciler.StatusWrite> write = reconcile(object, pods, verify);
    if (write.isEmpty()) {
      return Ended.NOTHING_TO_WRITE;
    }
    StatusWriter.Result result = writer.write(write.get().object(), write.get().status());
    return reconciler.written(write.get(), result) ? Ended.RETRY_WRITE : Ended.WRITTEN;
  }

  private Optional<NodeObjectReconciler.StatusWrite> reconcile(
      CgroupIsolationNode object, List<Pod> pods, boolean verify) {
    Supplier<ContainerEngine.Snapshot> snapshot = engine::snapshot;
    return reconciler.reconcile(
        object, new PodSnapshot(NODE, pods), ClaimIndex.of(List.of(object)), verify, snapshot);
  }

  /** What the API server adds on create. */
  private static CgroupIsolationNode stored(CgroupIsolationNode object) {
    object.getMetadata().setUid(uid());
    object.getMetadata().setGeneration(1L);
    return object;
  }

  /** Records every status; answers WRITTEN unless told otherwise. */
  private static final class RecordingWriter implements StatusWriter {
    final List<CgroupIsolationNodeStatus> writes = new ArrayList<>();
    final Deque<Result> answers = new ArrayDeque<>();

    @Override
    public Result write(CgroupIsolationNode object, CgroupIsolationNodeStatus status) {
      writes.add(status);
      return answers.isEmpty() ? Result.WRITTEN : answers.pop();
    }
  }
}
