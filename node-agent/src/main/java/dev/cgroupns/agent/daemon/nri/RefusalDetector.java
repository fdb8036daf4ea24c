package dev.cgroupns.agent.daemon.nri;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Tells, from the runtime's events alone, that the runtime refuses the plugin's adjustments. Pure
 * and thread-safe; one per connection ({@link #reset} when the plugin registers again).
 *
 * <p>A validator that rejects namespace adjustments (containerd's default validator with {@code
 * reject_namespace_adjustment = true}, or a validator plugin) makes the runtime fail the creation
 * of a container the plugin adjusted, and the plugin is told nothing about why: the kubelet
 * retries, with a new container ID for the same pod and container name.
 *
 * <p>What containerd 2.2.9 tells plugins, as its source shows:
 * internal/cri/server/container_create.go arms a deferred {@code UndoCreateContainer} just before
 * {@code client.NewContainer}, whose {@code WithContainerAdjustment} option makes the NRI
 * CreateContainer call; the NRI library (pkg/adaptation) runs the plugins and then the validators
 * in that one call, and a validator's error fails it. internal/nri/nri.go marks the container
 * Created even when that call fails, so the undo then sends plugins a StopContainer request and a
 * REMOVE_CONTAINER event for the refused ID, exactly as for a creation that failed later (container
 * store, metadata). A failure before that point (spec generation, name reservation) returns before
 * the undo is armed and before any plugin hears of the container. POST_CREATE_CONTAINER is sent
 * only once the container exists. So STOP and REMOVE do not tell a refused creation from another:
 * only POST_CREATE_CONTAINER says an adjusted creation went through.
 *
 * <p>Hence: an adjusted creation stays pending until POST_CREATE_CONTAINER arrives for its ID. A
 * new creation for the same pod UID and container name while an adjusted ID is still pending means
 * that adjusted creation failed after the plugin answered, which the adjustment most likely caused:
 * a refusal. From then on, on this connection, nothing is adjusted. (A creation that failed after
 * the NRI step for another reason looks the same; it is rare, and costs only isolation by
 * remounting until the runtime restarts.)
 */
final class RefusalDetector {
  /**
   * Pending adjusted creations kept at most: far above the containers a node creates at once (a
   * refused creation whose pod was deleted before a retry stays pending until it is the oldest).
   * Past it the oldest is forgotten; a refusal of that one is then caught at the next.
   */
  static final int MAX_PENDING = 1024;

  /** By pod UID and container name: the ID of the adjusted creation not yet seen created. */
  private final LinkedHashMap<Slot, String> pendingBySlot = new LinkedHashMap<>();

  private final Map<String, Slot> slotById = new HashMap<>();
  private Refusal refusal;

  private record Slot(String podUid, String containerName) {}

  /**
   * The adjusted creation the runtime refused, as far as the plugin can tell.
   *
   * @param podUid the pod's UID
   * @param containerName the container's name in the pod
   * @param containerId the refused creation's container ID
   */
  record Refusal(String podUid, String containerName, String containerId) {}

  /** What to do about a container being created. */
  enum Verdict {
    /** Decide as usual. */
    PROCEED,
    /** This creation retries an adjusted one the runtime refused: adjust nothing from now on. */
    REFUSED_NOW,
    /** The runtime refused an adjusted creation earlier on this connection: adjust nothing. */
    REFUSED_BEFORE
  }

  /** Called for each CreateContainer request, before deciding. */
  synchronized Verdict creating(String podUid, String containerName, String containerId) {
    if (refusal != null) {
      return Verdict.REFUSED_BEFORE;
    }
    Slot slot = new Slot(podUid, containerName);
    String earlier = pendingBySlot.get(slot);
    if (earlier == null || earlier.equals(containerId)) {
      return Verdict.PROCEED;
    }
    refusal = new Refusal(podUid, containerName, earlier);
    pendingBySlot.clear();
    slotById.clear();
    return Verdict.REFUSED_NOW;
  }

  /** The plugin answered this creation with an adjustment. */
  synchronized void adjusted(String podUid, String containerName, String containerId) {
    Objects.requireNonNull(containerId, "containerId");
    Slot slot = new Slot(podUid, containerName);
    String replaced = pendingBySlot.remove(slot);
    if (replaced != null) {
      slotById.remove(replaced);
    }
    Slot stale = slotById.remove(containerId);
    if (stale != null) {
      pendingBySlot.remove(stale);
    }
    pendingBySlot.put(slot, containerId);
    slotById.put(containerId, slot);
    Iterator<Map.Entry<Slot, String>> oldest = pendingBySlot.entrySet().iterator();
    while (pendingBySlot.size() > MAX_PENDING) {
      slotById.remove(oldest.next().getValue());
      oldest.remove();
    }
  }

  /** POST_CREATE_CONTAINER for this ID: it was created, adjusted; no longer pending. */
  synchronized void created(String containerId) {
    Slot slot = slotById.remove(containerId);
    if (slot != null) {
      pendingBySlot.remove(slot);
    }
  }

  /** The refusal seen on this connection, if any. */
  synchronized Optional<Refusal> refusal() {
    return Optional.ofNullable(refusal);
  }

  /** The plugin registers again: the runtime may run with another configuration now. */
  synchronized void reset() {
    refusal = null;
    pendingBySlot.clear();
    slotById.clear();
  }

  synchronized int pending() {
    return pendingBySlot.size();
  }
}
