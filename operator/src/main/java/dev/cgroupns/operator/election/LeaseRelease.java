package dev.cgroupns.operator.election;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the leader-election Lease up, as fabric8's elector does when cancelled with {@code
 * releaseOnCancel}, which JOSDK 5.2.3 never sets (and its elector is out of reach): without it, the
 * standby waits out the whole lease duration after every rollout or drain of the leader. Called
 * once the operator has stopped, so the standby never leads while this replica still reconciles.
 */
public final class LeaseRelease {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseRelease.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String identity;
  private final Clock clock;

  public LeaseRelease(
      KubernetesClient client, String namespace, String name, String identity, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.identity = identity;
    this.clock = clock.withZone(ZoneOffset.UTC);
  }

  /**
   * Releases the Lease if this replica holds it. A failure is logged and otherwise harmless: the
   * standby then takes over when the lease expires.
   *
   * @return whether it released it
   */
  public boolean release() {
    LeaseLock lock = new LeaseLock(namespace, name, identity);
    try {
      LeaderElectionRecord current = lock.get(client);
      if (current == null || !identity.equals(current.getHolderIdentity())) {
        return false;
      }
      ZonedDateTime now = ZonedDateTime.now(clock);
      // What fabric8's LeaderElector.release and client-go write: an empty holder, which any
      // elector takes at its next try, and a lease that expires in a second. Empty, not null: the
      // lock writes a JSON merge patch, where a null field is left out and the holder would stay
      // (a fabric8 standby then waits out its own lease duration). The patch carries the version
      // just read, so a Lease that someone else took meanwhile stays theirs.
      lock.update(
          client,
          new LeaderElectionRecord(
              "", Duration.ofSeconds(1), now, now, current.getLeaderTransitions()));
      LOG.info("released the leader-election lease {}/{}", namespace, name);
      return true;
    } catch (KubernetesClientException e) {
      LOG.warn(
          "could not release the leader-election lease {}/{} ({}): the standby takes over when it"
              + " expires",
          namespace,
          name,
          e.getMessage());
      return false;
    }
  }
}
