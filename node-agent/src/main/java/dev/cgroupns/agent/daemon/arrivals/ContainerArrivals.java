package dev.cgroupns.agent.daemon.arrivals;

import dev.cgroupns.agent.proc.ProcessIdentity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The containers the agent saw start on the node itself, before the pod status names them: one per
 * container slot (pod UID and name), the latest. A pass treats an arrival as the slot's running
 * container while its init process lives, so a new container is isolated without waiting for the
 * kubelet to publish it; the pod status then confirms the same ID. Bounded (least recently arrived
 * go first); thread-safe.
 */
public final class ContainerArrivals {
  /** Far above the container slots of a node (110 pods of a few containers each). */
  static final int MAX_SLOTS = 4096;

  /**
   * A container seen starting.
   *
   * @param statusContainerId the ID as pod status will give it ("containerd://...")
   * @param init the container's first process, after it started its own program
   */
  public record Arrival(
      String podUid,
      String container,
      String containerId,
      String statusContainerId,
      ProcessIdentity init,
      Instant seenAt) {}

  /** What a pass asks: the slot's arrived container, while it runs. */
  public interface Lookup {
    Optional<Arrival> running(String podUid, String container);

    Lookup NONE = (podUid, container) -> Optional.empty();
  }

  private final Map<String, Arrival> bySlot =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Arrival> eldest) {
          return size() > MAX_SLOTS;
        }
      };
  private final Predicate<ProcessIdentity> alive;

  /**
   * @param alive whether a process still runs (same PID, same start time)
   */
  public ContainerArrivals(Predicate<ProcessIdentity> alive) {
    this.alive = alive;
  }

  public synchronized void arrived(Arrival arrival) {
    String slot = slot(arrival.podUid(), arrival.container());
    // Re-inserted, so the order is that of arrival.
    bySlot.remove(slot);
    bySlot.put(slot, arrival);
  }

  /** The slot's arrival while its init runs; a dead one is forgotten. */
  public Lookup lookup() {
    return (podUid, container) -> {
      String slot = slot(podUid, container);
      Arrival arrival;
      synchronized (this) {
        arrival = bySlot.get(slot);
      }
      if (arrival == null) {
        return Optional.empty();
      }
      if (!alive.test(arrival.init())) {
        synchronized (this) {
          bySlot.remove(slot, arrival);
        }
        return Optional.empty();
      }
      return Optional.of(arrival);
    };
  }

  public synchronized int size() {
    return bySlot.size();
  }

  private static String slot(String podUid, String container) {
    return podUid + "/" + container;
  }
}
