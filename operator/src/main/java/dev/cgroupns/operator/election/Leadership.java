package dev.cgroupns.operator.election;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This replica's part in the election, as JOSDK's leader callbacks tell it: whether it leads now,
 * and whether it lost the Lease while it was not stopping. The two ways to stop leading need
 * opposite answers: a replica that lost the Lease may have missed events and must exit, to restart
 * as a standby and resync from scratch when it leads again; a replica that stops gives the Lease up
 * on purpose and must go on with its orderly shutdown.
 */
public final class Leadership {
  private final AtomicBoolean leading;
  private final CompletableFuture<Void> lost = new CompletableFuture<>();
  private volatile boolean stopping;

  /**
   * @param leadingFromStart true without leader election: the only replica always leads
   */
  public Leadership(boolean leadingFromStart) {
    this.leading = new AtomicBoolean(leadingFromStart);
  }

  /** The callbacks to give JOSDK's leader-election configuration. */
  public LeaderCallbacks callbacks() {
    return new LeaderCallbacks(() -> leading.set(true), this::stoppedLeading, identity -> {});
  }

  public boolean leading() {
    return leading.get();
  }

  /** From now on, no longer leading is this replica's own doing, not a lost Lease. */
  public void stopping() {
    stopping = true;
  }

  /** Completes when this replica stopped leading without {@link #stopping()} first. */
  public CompletableFuture<Void> lost() {
    return lost.copy();
  }

  private void stoppedLeading() {
    leading.set(false);
    if (!stopping) {
      lost.complete(null);
    }
  }
}
