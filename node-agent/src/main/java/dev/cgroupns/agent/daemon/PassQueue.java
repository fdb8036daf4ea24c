package dev.cgroupns.agent.daemon;

import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's pending work, between the watch threads that add to it and the one pass thread that
 * takes it in batches.
 *
 * <p>Watch events only mark objects dirty, so a burst of events about one object becomes one pass.
 * A mark merges with the one already pending: a verifying request is never downgraded to an
 * incremental one. Deleted objects are kept as last seen, because what they isolated must be
 * reverted even though the cache no longer has them.
 *
 * <p>The first batch the daemon takes verifies every cached object, whether or not an event asked
 * for it: a restarted agent must re-derive everything from the complete caches, and the watches'
 * add notifications are delivered on their own threads, possibly after the caches report synced.
 */
final class PassQueue {
  /**
   * One batch of work.
   *
   * @param objects namespace/name keys, in the order first marked; true when the pass must verify
   *     every container of that object
   * @param deleted objects deleted since the last batch, as last seen
   * @param housekeeping whether the engine's stale state must be cleaned and orphaned revert
   *     records reverted first
   */
  record Batch(
      Map<String, Boolean> objects, List<CgroupIsolationNode> deleted, boolean housekeeping) {}

  private final Map<String, Boolean> dirty = new LinkedHashMap<>();
  private final List<CgroupIsolationNode> deleted = new ArrayList<>();

  /** Due at start, so that a node with no object left still gets its orphans reverted. */
  private boolean housekeepingDue = true;

  private boolean firstBatchTaken;

  /** A new container waits for the next batch: its gathering delay is cut short. */
  private boolean urgent;

  private boolean busy;
  private boolean stopped;

  /** Marks one object for a pass. */
  synchronized void mark(String key, boolean verify) {
    dirty.merge(key, verify, Boolean::logicalOr);
    notifyAll();
  }

  /** Marks every one of these objects for a pass. */
  synchronized void markAll(Collection<String> keys, boolean verify) {
    for (String key : keys) {
      dirty.merge(key, verify, Boolean::logicalOr);
    }
    notifyAll();
  }

  /**
   * Marks every one of these objects for a pass that should not wait for more events: a container
   * the node showed starting runs unisolated until then.
   */
  synchronized void markAllUrgent(Collection<String> keys) {
    urgent = true;
    markAll(keys, false);
  }

  /**
   * Waits up to {@code delay} for more events to join the batch, or less when urgent work came.
   *
   * @return false when the queue was stopped meanwhile
   */
  synchronized boolean gather(Duration delay) {
    long deadline = System.nanoTime() + delay.toNanos();
    while (!urgent && !stopped) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !stopped;
  }

  /** Records a deleted object: the next batch reverts what it isolated. */
  synchronized void deleted(CgroupIsolationNode object) {
    deleted.add(object);
    notifyAll();
  }

  /** Asks the next batch to do the engine's housekeeping first. */
  synchronized void housekeepingDue() {
    housekeepingDue = true;
    notifyAll();
  }

  /**
   * Waits until there is work or the queue is stopped.
   *
   * @return false when stopped (or the waiting thread was interrupted)
   */
  synchronized boolean awaitWork() {
    while (!hasWork() && !stopped) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !stopped;
  }

  /**
   * Takes everything pending as one batch and marks the queue busy until {@link #finished}. The
   * first batch ever taken also verifies every object in {@code cached}.
   *
   * @param cached the keys of every object in the (synced) cache
   */
  synchronized Batch take(Collection<String> cached) {
    if (!firstBatchTaken) {
      firstBatchTaken = true;
      for (String key : cached) {
        dirty.put(key, true);
      }
    }
    Batch batch = new Batch(new LinkedHashMap<>(dirty), new ArrayList<>(deleted), housekeepingDue);
    dirty.clear();
    deleted.clear();
    housekeepingDue = false;
    urgent = false;
    busy = true;
    return batch;
  }

  /** The batch taken last is done. */
  synchronized void finished() {
    busy = false;
  }

  /** True when nothing is pending and no batch runs: every request so far has been acted on. */
  synchronized boolean idle() {
    return !busy && !hasWork();
  }

  /** Wakes the waiting thread for good; a batch in progress checks {@link #stopped}. */
  synchronized void stop() {
    stopped = true;
    notifyAll();
  }

  synchronized boolean stopped() {
    return stopped;
  }

  private boolean hasWork() {
    return !dirty.isEmpty() || !deleted.isEmpty() || housekeepingDue;
  }
}
