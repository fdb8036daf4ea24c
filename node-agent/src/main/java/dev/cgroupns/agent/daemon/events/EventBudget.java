package dev.cgroupns.agent.daemon.events;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds the Events one agent sends, so that a node full of pods starting at once, or a container
 * that flaps, cannot flood the API server. Two limits, both per node (one budget per agent):
 *
 * <ul>
 *   <li><b>Deduplication</b>: the same event (container, container ID, reason) is sent at most once
 *       per {@code dedupeWindow}, however often the container flaps.
 *   <li><b>Rate</b>: a token bucket of {@code burst} events, refilled by one every {@code
 *       refillEvery}. The last {@code warningReserve} tokens are kept for Warnings, so that a burst
 *       of routine "Isolated" events cannot crowd out a failure.
 * </ul>
 *
 * Events over the budget are dropped, not queued: the node object's status carries every result,
 * and a late Event is worth less than a bounded write rate. Pure (time is passed in); thread-safe.
 */
public final class EventBudget {
  /**
   * The settings.
   *
   * @param burst events that may be sent at once
   * @param refillEvery how often one more event may be sent once the burst is spent
   * @param warningReserve tokens only Warnings may use
   * @param dedupeWindow how long an event sent keeps its repeats from being sent
   * @param remembered how many sent events are remembered for deduplication (least recent go)
   */
  public record Limits(
      int burst, Duration refillEvery, int warningReserve, Duration dedupeWindow, int remembered) {
    /** 20 at once, then 6 a minute; 5 of the 20 kept for Warnings; repeats once per 10 minutes. */
    public static final Limits DEFAULT =
        new Limits(20, Duration.ofSeconds(10), 5, Duration.ofMinutes(10), 4096);

    public Limits {
      if (burst < 1 || warningReserve < 0 || warningReserve >= burst) {
        throw new IllegalArgumentException("need burst >= 1 and 0 <= warningReserve < burst");
      }
      if (refillEvery.isNegative() || refillEvery.isZero()) {
        throw new IllegalArgumentException("refillEvery must be positive");
      }
    }
  }

  /** What became of an event. */
  public enum Decision {
    SEND,
    /** The same event was sent within the dedupe window. */
    DUPLICATE,
    /** Over the node's rate. */
    RATE_LIMITED
  }

  private final Limits limits;
  private final Map<String, Instant> sent;
  private double tokens;
  private Instant refilledAt;

  public EventBudget(Limits limits, Instant now) {
    this.limits = limits;
    this.tokens = limits.burst();
    this.refilledAt = now;
    this.sent =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > limits.remembered();
          }
        };
  }

  /** Decides, and on {@link Decision#SEND} takes a token and remembers the event. */
  public synchronized Decision admit(ContainerEvent event, Instant now) {
    Instant last = sent.get(event.dedupeKey());
    if (last != null && now.isBefore(last.plus(limits.dedupeWindow()))) {
      return Decision.DUPLICATE;
    }
    refill(now);
    int floor = event.type() == ContainerEvent.Type.Warning ? 0 : limits.warningReserve();
    if (tokens < floor + 1) {
      return Decision.RATE_LIMITED;
    }
    tokens -= 1;
    sent.put(event.dedupeKey(), now);
    return Decision.SEND;
  }

  private void refill(Instant now) {
    if (!now.isAfter(refilledAt)) {
      return;
    }
    double earned =
        (double) Duration.between(refilledAt, now).toNanos() / limits.refillEvery().toNanos();
    tokens = Math.min(limits.burst(), tokens + earned);
    refilledAt = now;
  }
}
