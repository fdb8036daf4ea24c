package dev.cgroupns.agent.daemon;

import dev.cgroupns.agent.daemon.api.NodeWatches;
import dev.cgroupns.agent.daemon.api.PodEventWriter;
import dev.cgroupns.agent.daemon.api.StatusWriter;
import dev.cgroupns.agent.daemon.api.WatchListener;
import dev.cgroupns.agent.daemon.engine.ContainerEngine;
import dev.cgroupns.agent.daemon.nri.NriPluginRunner;
import dev.cgroupns.agent.daemon.ops.OpsServer;
import dev.cgroupns.agent.daemon.targets.ClaimIndex;
import dev.cgroupns.agent.daemon.targets.OrphanedRecords;
import dev.cgroupns.agent.daemon.targets.PodSnapshot;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent's daemon: watches its node's pods and CgroupIsolationNode objects, and runs passes
 * over the objects on one worker thread.
 *
 * <p>Events only mark objects dirty; the worker gathers them for a short delay and then passes over
 * each dirty object once, so a burst of pod events becomes one status write per object. Nothing is
 * done before both watches are synced: an incomplete pod cache would make listed pods look gone. A
 * periodic verifying pass over every object catches drift. At start (once synced) and at each
 * resync, the agent also reverts containers whose object was deleted while it was not watching: the
 * revert records it wrote name their object ({@link OrphanedRecords}). Shutdown stops the watches
 * and lets the pass in progress finish (including its status write), so no container is left
 * half-done and no result unreported. Transitions (isolated, failed, reverted, drift repaired) are
 * also recorded as Events on the pods, within a per-node budget and off the pass thread ({@link
 * PodEventWriter}).
 */
public final class NodeAgentDaemon implements AutoCloseable, WatchListener {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgentDaemon.class);

  private final DaemonConfig config;
  private final ContainerEngine engine;
  private final NodeWatches watches;
  private final NodeObjectReconciler reconciler;
  private final OpsServer ops;
  private final PodEventWriter events;
  private final Thread worker;
  private final ScheduledExecutorService timer;
  private final NriPluginRunner nri;

  /** Started with the watches, closed first: sources of work beside the API's watches. */
  private final java.util.List<Companion> companions =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Something that runs beside the daemon, from its start to its close. */
  public interface Companion {
    void start();

    void close();
  }

  /** Where a pass's engine calls run, {@code parallelism} at a time. */
  private final ExecutorService engineThreads;

  private final PassQueue queue = new PassQueue();

  /** Where the passes' status writes go, so that no pass waits for the API server. */
  private final StatusWriteQueue writes;

  /** Passes over single objects completed so far (tests wait on it instead of on time). */
  private final AtomicLong passes = new AtomicLong();

  /**
   * A daemon over collaborators wired by the command that starts it ({@link RunCommand#wire}).
   *
   * @param engineThreads where {@code reconciler} runs its engine calls; shut down on close
   * @param events where {@code reconciler} records Events; closed on close
   * @param nri the NRI plugin's connection loop, started with the watches; null without NRI
   */
  NodeAgentDaemon(
      DaemonConfig config,
      ContainerEngine engine,
      NodeWatches watches,
      NodeObjectReconciler reconciler,
      StatusWriter writer,
      ExecutorService engineThreads,
      PodEventWriter events,
      PrometheusMeterRegistry registry,
      NriPluginRunner nri)
      throws IOException {
    this.nri = nri;
    this.config = config;
    this.engine = engine;
    this.watches = watches;
    this.reconciler = reconciler;
    this.writes = new StatusWriteQueue(writer, this::writeDone);
    this.engineThreads = engineThreads;
    this.events = events;
    this.worker = new Thread(this::work, "node-agent-passes");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "node-agent-timer");
              thread.setDaemon(true);
              return thread;
            });
    this.ops = new OpsServer(config.metricsPort(), this::live, this::ready, registry);
  }

  /** Runs {@code companion} from this daemon's start to its close; call before {@link #start}. */
  public void alsoRun(Companion companion) {
    companions.add(companion);
  }

  public void start() {
    LOG.info("node agent for node {} starting", config.nodeName());
    ops.start();
    writes.start();
    worker.start();
    watches.start(this);
    companions.forEach(Companion::start);
    if (nri != null) {
      nri.start();
    }
    long resync = config.resyncInterval().toMillis();
    timer.scheduleAtFixedRate(this::resync, resync, resync, TimeUnit.MILLISECONDS);
  }

  /** True when nothing is queued and no batch runs: every event so far has been acted on. */
  boolean idle() {
    return queue.idle() && writes.idle();
  }

  /** How many passes over single objects have completed. */
  public long completedPasses() {
    return passes.get();
  }

  /** The port of /healthz, /readyz and /metrics. */
  public int opsPort() {
    return ops.port();
  }

  public boolean live() {
    return worker.isAlive();
  }

  public boolean ready() {
    return worker.isAlive() && watches.synced();
  }

  @Override
  public void objectChanged(CgroupIsolationNode before, CgroupIsolationNode after) {
    boolean newInstructions =
        before == null
            || !Objects.equals(
                before.getMetadata().getGeneration(), after.getMetadata().getGeneration());
    if (newInstructions) {
      // Its instructions may change what the node's other objects may do (shared containers).
      requestAll(true);
    } else {
      queue.mark(key(after), false);
    }
  }

  @Override
  public void objectDeleted(CgroupIsolationNode object) {
    queue.deleted(object);
    requestAll(true);
  }

  @Override
  public void podChanged(Pod pod) {
    requestAll(false);
  }

  /** The periodic verification of every object, with the engine's housekeeping before it. */
  private void resync() {
    queue.housekeepingDue();
    requestAll(true);
  }

  /** Marks every object dirty for a pass that starts at once: a new container is running. */
  public void requestUrgent() {
    queue.markAllUrgent(watches.objectKeys());
  }

  /** Marks every object dirty. */
  public void requestAll(boolean verify) {
    queue.markAll(watches.objectKeys(), verify);
  }

  private void work() {
    try {
      while (queue.awaitWork()) {
        if (!queue.gather(config.batchDelay())) {
          return;
        }
        if (!watches.synced()) {
          sleep(Duration.ofMillis(200)); // the work stays queued until the caches are complete
          continue;
        }
        PassQueue.Batch batch = queue.take(watches.objectKeys());
        try {
          runBatch(batch);
        } finally {
          queue.finished();
        }
      }
    } catch (RuntimeException | Error e) {
      LOG.error("the pass loop died; liveness will fail and the kubelet restarts the agent", e);
      throw e;
    }
  }

  private void runBatch(PassQueue.Batch batch) {
    boolean housekeeping = batch.housekeeping();
    PodSnapshot pods = new PodSnapshot(config.nodeName(), watches.pods());
    List<CgroupIsolationNode> objects = watches.objects();
    ClaimIndex claims = ClaimIndex.of(objects);
    Supplier<ContainerEngine.Snapshot> snapshot = memoize(engine::snapshot);
    if (housekeeping) {
      engine.removeStaleState();
    }
    for (CgroupIsolationNode object : batch.deleted()) {
      try {
        reconciler.revertOrphans(object, claims, snapshot);
      } catch (RuntimeException e) {
        LOG.error("reverting what {} isolated failed", key(object), e);
      }
    }
    if (housekeeping) {
      // After the deletions seen above (which know the last status), and only ever with synced
      // caches: this batch runs only once both watches have listed everything.
      revertOrphanedRecords(objects, claims, pods);
    }
    for (Map.Entry<String, Boolean> entry : batch.objects().entrySet()) {
      if (queue.stopped()) {
        return;
      }
      watches
          .object(entry.getKey())
          .ifPresent(
              object -> {
                try {
                  reconciler
                      .reconcile(object, pods, claims, entry.getValue(), snapshot)
                      .ifPresent(writes::submit);
                } catch (RuntimeException e) {
                  LOG.error("pass over {} failed; it is retried", entry.getKey(), e);
                  // Incremental: what the engine did is kept, only the write is missing.
                  scheduleRetry(entry.getKey(), false);
                }
                passes.incrementAndGet();
              });
    }
  }

  /** On the write queue's thread: a status that could not be written is written by a later pass. */
  private void writeDone(NodeObjectReconciler.StatusWrite write, StatusWriter.Result result) {
    if (reconciler.written(write, result)) {
      scheduleRetry(key(write.object()), false);
    }
  }

  /** Reverts what objects deleted while the agent was not watching had isolated. */
  private void revertOrphanedRecords(
      List<CgroupIsolationNode> objects, ClaimIndex claims, PodSnapshot pods) {
    try {
      List<ContainerEngine.OwnedIsolation> orphans =
          OrphanedRecords.orphaned(engine.ownedIsolations(), objects, claims);
      reconciler.revertOrphanedRecords(orphans, pods);
    } catch (RuntimeException e) {
      LOG.error("reverting containers of deleted objects failed; retried at the next resync", e);
    }
  }

  private void scheduleRetry(String key, boolean verify) {
    try {
      timer.schedule(
          () -> queue.mark(key, verify),
          config.writeRetry().nextPass().toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down: the next agent re-derives everything
    }
  }

  private static <T> Supplier<T> memoize(Supplier<T> supplier) {
    return new Supplier<>() {
      private T value;

      @Override
      public T get() {
        if (value == null) {
          value = supplier.get();
        }
        return value;
      }
    };
  }

  private boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String key(CgroupIsolationNode object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  /** Stops the watches, lets the current pass finish, then stops serving probes and metrics. */
  @Override
  public void close() {
    LOG.info("node agent stopping: finishing the current pass");
    queue.stop();
    timer.shutdownNow();
    companions.forEach(Companion::close);
    if (nri != null) {
      // First: a container created from now on is left to the next agent's remount.
      nri.close();
    }
    watches.close();
    try {
      worker.join(config.shutdownTimeout().toMillis());
      if (worker.isAlive()) {
        LOG.warn("the current pass did not finish within {}", config.shutdownTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // After the last pass: what it asked to write is written, within the same grace.
    writes.close(config.shutdownTimeout());
    engineThreads.shutdown();
    events.close();
    ops.close();
    LOG.info("node agent stopped");
  }
}
