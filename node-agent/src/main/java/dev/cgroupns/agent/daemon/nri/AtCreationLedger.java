package dev.cgroupns.agent.daemon.nri;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The containers this agent process adjusted at their creation, by container ID (64 hex digits), so
 * that a pass reports them as isolated at creation rather than as containers whose runtime happened
 * to give them a private namespace. Entries go when the runtime removes the container. Bounded:
 * past the limit an adjusted container is still isolated, only reported as private.
 */
public final class AtCreationLedger {
  /** Far above the containers a node runs (110 pods of a few containers each). */
  static final int MAX_ENTRIES = 20_000;

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private volatile Runnable onRestore = () -> {};

  /**
   * @param readOnly the access its cgroupfs mounts were given
   */
  public record Entry(String podUid, String container, boolean readOnly) {}

  void adjusted(String containerId, Entry entry) {
    if (entries.size() < MAX_ENTRIES || entries.containsKey(containerId)) {
      entries.put(containerId, entry);
    }
  }

  /**
   * Tells {@code listener} when entries came back from the runtime (after the agent restarted):
   * results computed before then reported those containers as merely private.
   */
  public void onRestore(Runnable listener) {
    onRestore = listener;
  }

  void restored() {
    onRestore.run();
  }

  void removed(String containerId) {
    entries.remove(containerId);
  }

  /** What was done to this container at its creation, if this process adjusted it. */
  public Optional<Entry> find(String containerId) {
    return Optional.ofNullable(entries.get(containerId));
  }

  public int size() {
    return entries.size();
  }
}
