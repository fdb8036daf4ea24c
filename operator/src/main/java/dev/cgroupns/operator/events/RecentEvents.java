package dev.cgroupns.operator.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the last events sent, so a reconciliation that runs again with the same outcome does
 * not send the same event again. Bounded (least recently sent forgotten first), so memory stays
 * flat however many objects pass through.
 */
final class RecentEvents {
  private final Map<String, Boolean> seen;

  RecentEvents(int capacity) {
    this.seen =
        new LinkedHashMap<>(capacity, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** True the first time a key is offered (until it is forgotten), false on repeats. */
  synchronized boolean firstTime(String key) {
    return seen.put(key, Boolean.TRUE) == null;
  }

  /** Forgets a key whose event could not be written, so the next attempt may retry it. */
  synchronized void forget(String key) {
    seen.remove(key);
  }
}
