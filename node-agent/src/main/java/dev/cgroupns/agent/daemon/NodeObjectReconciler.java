package dev.cgroupns.agent.daemon;

import dev.cgroupns.agent.daemon.api.StatusWriter;
import dev.cgroupns.agent.daemon.engine.ContainerEngine;
import dev.cgroupns.agent.daemon.engine.EngineOutcome;
import dev.cgroupns.agent.daemon.engine.FailureReason;
import dev.cgroupns.agent.daemon.engine.ViewReading;
import dev.cgroupns.agent.daemon.events.ContainerEvents;
import dev.cgroupns.agent.daemon.events.EventRecorder;
import dev.cgroupns.agent.daemon.ops.AgentMetrics;
import dev.cgroupns.agent.daemon.results.OutcomeMapper;
import dev.cgroupns.agent.daemon.results.StatusAssembler;
import dev.cgroupns.agent.daemon.results.StatusComparison;
import dev.cgroupns.agent.daemon.targets.ClaimIndex;
import dev.cgroupns.agent.daemon.targets.ContainerKeys;
import dev.cgroupns.agent.daemon.targets.ContainerTarget;
import dev.cgroupns.agent.daemon.targets.OrphanedRecords;
import dev.cgroupns.agent.daemon.targets.PassPlan;
import dev.cgroupns.agent.daemon.targets.PodSnapshot;
import dev.cgroupns.agent.daemon.targets.RevertTarget;
import dev.cgroupns.agent.daemon.targets.TargetResolver;
import dev.cgroupns.agent.isolate.IsolationRequest;
import dev.cgroupns.agent.isolate.MountAccess;
import dev.cgroupns.agent.isolate.RecordOwner;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.api.v1alpha1.AtCreationState;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over one node object: resolve its targets, act on them through the engine, fold the
 * outcomes into a status, and hand it out for writing, in one patch, when it says something new.
 * The write happens on a thread of its own ({@link StatusWriteQueue}): a pass never waits for the
 * API server, so a slow or failing one never holds up the isolation of the next container.
 *
 * <p>Passes are <em>verifying</em> (every target goes through the engine: after a restart, on new
 * instructions, and periodically to catch drift) or <em>incremental</em> (only targets without a
 * settled result for their current container ID: a new pod, a restarted container). The engine is
 * idempotent, so a verifying pass over isolated containers changes nothing unless someone changed
 * their mounts, which is then repaired and reported as drift.
 *
 * <p>The status the last pass computed, written or not, is the basis of the next one: the watch
 * cache may not show the agent's own last write yet, and a status that could not be written must
 * not be forgotten. Only one thread calls {@link #reconcile}.
 */
final class NodeObjectReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(NodeObjectReconciler.class);

  private final String nodeName;
  private final String agentName;
  private final TargetResolver resolver;
  private final ContainerEngine engine;
  private final AgentMetrics metrics;
  private final Duration heartbeat;
  private final Clock clock;
  private final ExecutorService engineThreads;
  private final EventRecorder events;
  private final Predicate<String> isolatedAtCreation;
  private final Supplier<AtCreationState> atCreation;

  /** By object UID: the status the last pass computed, and the last one known to be stored. */
  private final Map<String, CgroupIsolationNodeStatus> computed = new ConcurrentHashMap<>();

  private final Map<String, CgroupIsolationNodeStatus> written = new ConcurrentHashMap<>();

  /**
   * By object UID: the status handed out for writing and not yet confirmed. A pass compares what it
   * computed with this first, so a write still on its way is not asked for twice.
   */
  private final Map<String, CgroupIsolationNodeStatus> submitted = new ConcurrentHashMap<>();

  /** A pass that took longer says where its time went, in the log. */
  static final Duration SLOW_PASS = Duration.ofSeconds(1);

  NodeObjectReconciler(
      String nodeName,
      String agentName,
      TargetResolver resolver,
      ContainerEngine engine,
      AgentMetrics metrics,
      Duration heartbeat,
      Clock clock,
      ExecutorService engineThreads,
      EventRecorder events,
      Predicate<String> isolatedAtCreation,
      Supplier<AtCreationState> atCreation) {
    this.nodeName = nodeName;
    this.agentName = agentName;
    this.resolver = resolver;
    this.engine = engine;
    this.metrics = metrics;
    this.heartbeat = heartbeat;
    this.engineThreads = engineThreads;
    this.clock = clock;
    this.events = events;
    this.isolatedAtCreation = isolatedAtCreation;
    this.atCreation = atCreation;
  }

  /**
   * A status a pass wants written, for {@link StatusWriteQueue}: the object it is for (whose UID
   * guards the write) and the whole status.
   */
  record StatusWrite(CgroupIsolationNode object, CgroupIsolationNodeStatus status) {}

  /**
   * One pass; the engine's work is done when it returns.
   *
   * @return the status to write when it says something new (the caller writes it, and tells {@link
   *     #written} what became of it); empty when there is nothing to write
   */
  Optional<StatusWrite> reconcile(
      CgroupIsolationNode object,
      PodSnapshot pods,
      ClaimIndex claims,
      boolean verifyAll,
      Supplier<ContainerEngine.Snapshot> snapshot) {
    long start = System.nanoTime();
    PassPhases phases = new PassPhases();
    try {
      return pass(object, pods, claims, verifyAll, snapshot, phases);
    } finally {
      metrics.passDuration().record(Duration.ofNanos(System.nanoTime() - start));
      if (phases.totalMillis() >= SLOW_PASS.toMillis()) {
        LOG.info(
            "slow pass over {}/{}: {} ms ({})",
            object.getMetadata().getNamespace(),
            object.getMetadata().getName(),
            phases.totalMillis(),
            phases.describe());
      }
    }
  }

  private Optional<StatusWrite> pass(
      CgroupIsolationNode object,
      PodSnapshot pods,
      ClaimIndex claims,
      boolean verifyAll,
      Supplier<ContainerEngine.Snapshot> snapshot,
      PassPhases phases) {
    String uid = object.getMetadata().getUid();
    if (object.getSpec() == null || !nodeName.equals(object.getSpec().nodeName)) {
      // The label selected it, but its spec names another node: never act on another node's
      // instructions, and never write its status.
      LOG.warn(
          "ignoring {}/{}: labelled for node {} but its spec names {}",
          object.getMetadata().getNamespace(),
          object.getMetadata().getName(),
          nodeName,
          object.getSpec() == null ? "nothing" : object.getSpec().nodeName);
      return Optional.empty();
    }
    Long generation = object.getMetadata().getGeneration();
    CgroupIsolationNodeStatus stored = written.getOrDefault(uid, object.getStatus());
    CgroupIsolationNodeStatus basis = computed.getOrDefault(uid, stored);
    boolean sameInstructions =
        basis != null && Objects.equals(basis.observedGeneration, generation);
    boolean verifying = verifyAll || !sameInstructions;
    List<ContainerResult> previous =
        basis == null || basis.containers == null ? List.of() : basis.containers;
    Map<String, ContainerResult> previousByKey = new HashMap<>();
    previous.forEach(r -> previousByKey.put(ContainerKeys.of(r), r));

    PassPlan plan = resolver.resolve(object, pods, previous, claims);
    phases.ended("resolve");
    List<ContainerResult> results = new ArrayList<>(plan.decided());
    List<Callable<Optional<ContainerResult>>> engineWork = new ArrayList<>();
    // Reverts, and containers the node has not shown starting, are looked for in /proc.
    boolean scanNeeded = !plan.revert().isEmpty();
    for (ContainerTarget target : plan.apply()) {
      Optional<ContainerResult> before = Optional.ofNullable(previousByKey.get(target.key()));
      if (!verifying && settled(before, target)) {
        results.add(before.get());
        continue;
      }
      scanNeeded |= target.knownInit() == null;
      engineWork.add(
          () -> Optional.of(isolate(object, target, before, sameInstructions, snapshot)));
    }
    for (RevertTarget target : plan.revert()) {
      engineWork.add(() -> revert(object, target, snapshot));
    }
    // Engine results come after the decided ones: for the same container they win.
    results.addAll(runAll(engineWork, scanNeeded, snapshot, phases));

    Instant now = clock.instant();
    String lastVerified =
        verifying
            ? now.truncatedTo(ChronoUnit.SECONDS).toString()
            : basis == null ? null : basis.lastVerified;
    CgroupIsolationNodeStatus status =
        StatusAssembler.assemble(
            basis, results, generation, agentName, lastVerified, atCreation.get(), now);
    // What the API server has or is about to have: a write on its way counts as done.
    CgroupIsolationNodeStatus latest = submitted.getOrDefault(uid, stored);
    boolean changed = !StatusComparison.sameApartFromLastVerified(status, latest);
    if (!changed && !(verifying && heartbeatDue(latest, now))) {
      status.lastVerified = latest == null ? null : latest.lastVerified;
      computed.put(uid, status);
      return Optional.empty();
    }
    computed.put(uid, status);
    submitted.put(uid, status);
    return Optional.of(new StatusWrite(object, status));
  }

  /**
   * What became of a write that {@link #reconcile} asked for.
   *
   * @return true when it was not written and a later pass must write the object's status
   */
  boolean written(StatusWrite write, StatusWriter.Result result) {
    String uid = write.object().getMetadata().getUid();
    return switch (result) {
      case WRITTEN -> {
        // Stored first, then no longer pending: a pass in between sees one or the other.
        written.put(uid, write.status());
        submitted.remove(uid, write.status());
        yield false;
      }
      case GONE -> {
        forget(uid);
        yield false;
      }
      case FAILED -> {
        submitted.remove(uid, write.status());
        yield true;
      }
    };
  }

  /**
   * Reverts what a deleted object had isolated, unless another object still wants it, and forgets
   * the object. There is no status left to write: the log and the metrics tell what happened.
   */
  void revertOrphans(
      CgroupIsolationNode deleted, ClaimIndex claims, Supplier<ContainerEngine.Snapshot> snapshot) {
    String uid = deleted.getMetadata().getUid();
    CgroupIsolationNodeStatus last = computed.getOrDefault(uid, deleted.getStatus());
    forget(uid);
    if (last == null || last.containers == null) {
      return;
    }
    for (RevertTarget target : TargetResolver.orphaned(uid, last.containers, claims)) {
      revert(deleted, target, snapshot)
          .ifPresent(
              r ->
                  LOG.info(
                      "{}/{} was deleted; container {} of pod {}: {}",
                      deleted.getMetadata().getNamespace(),
                      deleted.getMetadata().getName(),
                      r.container,
                      r.pod,
                      r.message));
    }
  }

  /**
   * Runs the engine calls of a pass on the engine threads and waits for all of them: a pass never
   * ends with a container half-done. The /proc snapshot, when some call needs it, is taken once,
   * before, on this thread.
   */
  private List<ContainerResult> runAll(
      List<Callable<Optional<ContainerResult>>> work,
      boolean scanNeeded,
      Supplier<ContainerEngine.Snapshot> snapshot,
      PassPhases phases) {
    if (work.isEmpty()) {
      return List.of();
    }
    if (scanNeeded) {
      snapshot.get();
      phases.ended("/proc scan");
    }
    List<ContainerResult> results = new ArrayList<>();
    try {
      for (Future<Optional<ContainerResult>> done : engineThreads.invokeAll(work)) {
        done.get().ifPresent(results::add);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while containers were being isolated", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("an engine call failed unexpectedly", e.getCause());
    }
    phases.ended("engine (" + work.size() + " containers)");
    return results;
  }

  /** Drops what is remembered about a deleted object. */
  void forget(String uid) {
    computed.remove(uid);
    written.remove(uid);
    submitted.remove(uid);
  }

  private ContainerResult isolate(
      CgroupIsolationNode object,
      ContainerTarget target,
      Optional<ContainerResult> before,
      boolean sameInstructions,
      Supplier<ContainerEngine.Snapshot> snapshot) {
    long start = System.nanoTime();
    EngineOutcome outcome;
    Optional<ProcessIdentity> init =
        target.knownInit() != null
            ? Optional.of(target.knownInit())
            : find(snapshot, target.containerId());
    if (init.isEmpty()) {
      outcome =
          EngineOutcome.failed(
              FailureReason.ContainerNotFound,
              null,
              null,
              "no process of this container runs on the node (it exited, or the agent's --proc-root"
                  + " is not the host's /proc)");
    } else {
      try {
        // An unchanged container the status already describes need not be read again.
        boolean described =
            before
                .filter(r -> r.view != null)
                .filter(r -> Objects.equals(r.containerID, target.statusContainerId()))
                .isPresent();
        outcome =
            engine.isolate(
                IsolationRequest.of(init.get())
                    .withAccess(MountAccess.readOnly(target.readOnly()))
                    .withMode(target.audit() ? IsolationMode.Audit : IsolationMode.Enforce)
                    .ownedBy(owner(object, target)),
                described ? ViewReading.ONLY_WHEN_CHANGED : ViewReading.READ);
      } catch (RuntimeException e) {
        LOG.error("engine failed on {} of pod {}", target.container(), target.podName(), e);
        outcome = EngineOutcome.failed(FailureReason.Internal, null, null, e.toString());
      }
    }
    OutcomeMapper.Mapped mapped =
        OutcomeMapper.applied(
            target,
            outcome,
            before,
            sameInstructions,
            isolatedAtCreation.test(target.containerId()));
    switch (outcome.kind()) {
      case ISOLATED -> metrics.isolated(Duration.ofNanos(System.nanoTime() - start));
      case FAILED -> metrics.failed(outcome.failure());
      default -> {}
    }
    if (mapped.driftRepaired()) {
      metrics.driftRepaired();
      LOG.warn(
          "drift: container {} of pod {} had its cgroupfs mounts changed; isolated again",
          target.container(),
          target.podName());
    }
    ContainerEvents.applied(
            object.getMetadata().getNamespace(),
            isolationName(object),
            target,
            outcome.kind(),
            before,
            mapped.result(),
            mapped.driftRepaired())
        .ifPresent(events::record);
    return mapped.result();
  }

  private Optional<ContainerResult> revert(
      CgroupIsolationNode object,
      RevertTarget target,
      Supplier<ContainerEngine.Snapshot> snapshot) {
    Optional<ProcessIdentity> init = find(snapshot, target.containerId());
    if (init.isEmpty()) {
      return Optional.empty(); // it stopped: nothing of it is left to revert or to report
    }
    RevertDone done = revert(init.get(), target);
    ContainerEvents.reverted(
            object.getMetadata().getNamespace(),
            isolationName(object),
            target,
            done.outcome().kind(),
            done.result())
        .ifPresent(events::record);
    return done.result();
  }

  /** What one engine revert gave. */
  private record RevertDone(EngineOutcome outcome, Optional<ContainerResult> result) {}

  /** Reverts one container through the engine and counts it. */
  private RevertDone revert(ProcessIdentity init, RevertTarget target) {
    EngineOutcome outcome;
    try {
      outcome = engine.revert(init, target.previous().podUID);
    } catch (RuntimeException e) {
      LOG.error("engine failed reverting {}", target.previous().container, e);
      outcome = EngineOutcome.failed(FailureReason.Internal, null, null, e.toString());
    }
    switch (outcome.kind()) {
      case REVERTED -> metrics.reverted();
      case FAILED -> metrics.failed(outcome.failure());
      default -> {}
    }
    return new RevertDone(outcome, OutcomeMapper.reverted(target, outcome));
  }

  /**
   * Reverts containers whose node object was deleted while the agent was not watching (see {@link
   * OrphanedRecords}), with the same safety checks as any revert: the engine finds the process by
   * pid and start time and refuses mounts someone else changed since. Each is logged and counted;
   * the pod, if it still exists, gets the usual Reverted (or RevertFailed) Event.
   */
  void revertOrphanedRecords(List<ContainerEngine.OwnedIsolation> orphans, PodSnapshot pods) {
    for (ContainerEngine.OwnedIsolation orphan : orphans) {
      RecordOwner owner = orphan.owner();
      RevertTarget target = OrphanedRecords.revertTarget(owner);
      RevertDone done = revert(orphan.init(), target);
      EngineOutcome outcome = done.outcome();
      if (outcome.kind() == EngineOutcome.Kind.REVERTED) {
        metrics.orphanReverted();
        LOG.info(
            "{}/{} (uid {}) no longer exists and no other object wants container {} of pod {}/{}:"
                + " reverted",
            owner.namespace(),
            owner.objectName(),
            owner.objectUid(),
            owner.container(),
            owner.namespace(),
            owner.pod());
      } else if (outcome.kind() == EngineOutcome.Kind.FAILED) {
        LOG.warn(
            "{}/{} no longer exists; reverting container {} of pod {}/{} failed ({}): {}",
            owner.namespace(),
            owner.objectName(),
            owner.container(),
            owner.namespace(),
            owner.pod(),
            outcome.failure(),
            outcome.detail());
      }
      if (pods.hasUid(owner.podUid())) {
        String isolation = owner.isolation() == null ? owner.objectName() : owner.isolation();
        ContainerEvents.reverted(
                owner.namespace(), isolation, target, outcome.kind(), done.result())
            .ifPresent(events::record);
      }
    }
  }

  /** What a container is isolated for, kept in its revert record. */
  private static RecordOwner owner(CgroupIsolationNode object, ContainerTarget target) {
    return new RecordOwner(
        object.getMetadata().getUid(),
        object.getMetadata().getNamespace(),
        object.getMetadata().getName(),
        isolationName(object),
        target.podName(),
        target.podUid(),
        target.container(),
        target.statusContainerId());
  }

  /** The CgroupIsolation behind a node object, for people reading its Events. */
  private static String isolationName(CgroupIsolationNode object) {
    return object.getSpec() != null && object.getSpec().isolationName != null
        ? object.getSpec().isolationName
        : object.getMetadata().getName();
  }

  private static Optional<ProcessIdentity> find(
      Supplier<ContainerEngine.Snapshot> snapshot, String containerId) {
    return snapshot.get().find(containerId);
  }

  /** Results that need no engine call in an incremental pass. */
  static boolean settled(Optional<ContainerResult> before, ContainerTarget target) {
    return before
        .filter(r -> Objects.equals(r.containerID, target.statusContainerId()))
        .filter(
            r ->
                r.phase == ContainerPhase.Isolated
                    || r.phase == ContainerPhase.AlreadyPrivate
                    || r.phase == ContainerPhase.WouldChange)
        .isPresent();
  }

  private boolean heartbeatDue(CgroupIsolationNodeStatus stored, Instant now) {
    if (stored == null || stored.lastVerified == null) {
      return true;
    }
    try {
      return !Instant.parse(stored.lastVerified).plus(heartbeat).isAfter(now);
    } catch (DateTimeParseException e) {
      return true;
    }
  }
}
