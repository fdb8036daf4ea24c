package dev.cgroupns.agent.daemon.ops;

import dev.cgroupns.agent.daemon.engine.FailureReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The agent's metrics. Tags are closed sets (failure reasons, write results): never pod, container
 * or object names, so the series count does not grow with the cluster.
 */
public final class AgentMetrics {
  private final Counter isolations;
  private final Counter reverts;
  private final Counter orphanReverts;
  private final Counter driftRepairs;
  private final Map<FailureReason, Counter> failures = new EnumMap<>(FailureReason.class);
  private final Timer isolationLatency;
  private final Timer passDuration;
  private final Counter statusWrites;
  private final Counter statusWriteRetries;
  private final Counter statusWriteFailures;
  private final Map<EventResult, Counter> events = new EnumMap<>(EventResult.class);

  /** What became of an Event the agent wanted to record (the tag of the events counter). */
  public enum EventResult {
    /** Created on the API server. */
    Written,
    /** The API server refused it, or did not answer. */
    Failed,
    /** The same event was sent a short while ago. */
    Duplicate,
    /** Over the node's event rate. */
    RateLimited,
    /** The sender's queue was full. */
    Dropped
  }

  public AgentMetrics(MeterRegistry registry) {
    isolations =
        Counter.builder("cgroupns.agent.isolations")
            .description("Containers whose cgroupfs mounts the agent replaced")
            .register(registry);
    reverts =
        Counter.builder("cgroupns.agent.reverts")
            .description("Containers whose original cgroupfs mounts the agent put back")
            .register(registry);
    orphanReverts =
        Counter.builder("cgroupns.agent.reverts.orphaned")
            .description(
                "Containers reverted because their CgroupIsolationNode was deleted while the agent"
                    + " did not watch (also counted in cgroupns.agent.reverts)")
            .register(registry);
    driftRepairs =
        Counter.builder("cgroupns.agent.drift.repairs")
            .description("Isolated containers found changed on re-verification, and isolated again")
            .register(registry);
    for (FailureReason reason : FailureReason.values()) {
      failures.put(
          reason,
          Counter.builder("cgroupns.agent.failures")
              .description("Containers the agent could not act on, by reason")
              .tag("reason", reason.tag())
              .register(registry));
    }
    isolationLatency =
        Timer.builder("cgroupns.agent.isolation.latency")
            .description("Time to isolate one container, from /proc lookup to verified mounts")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    passDuration =
        Timer.builder("cgroupns.agent.pass.duration")
            .description("Time of one pass over one node object")
            .register(registry);
    statusWrites =
        Counter.builder("cgroupns.agent.status.writes")
            .description("Status patches written")
            .register(registry);
    statusWriteRetries =
        Counter.builder("cgroupns.agent.status.write.retries")
            .description("Status patches retried after a conflict, server error or timeout")
            .register(registry);
    statusWriteFailures =
        Counter.builder("cgroupns.agent.status.write.failures")
            .description("Status patches given up on (kept and written by a later pass)")
            .register(registry);
    for (EventResult result : EventResult.values()) {
      events.put(
          result,
          Counter.builder("cgroupns.agent.events")
              .description("Kubernetes Events on pods, by what became of them")
              .tag("result", result.name())
              .register(registry));
    }
  }

  public void isolated(Duration latency) {
    isolations.increment();
    isolationLatency.record(latency);
  }

  public void reverted() {
    reverts.increment();
  }

  /** A container reverted because the object it was isolated for vanished unseen. */
  public void orphanReverted() {
    orphanReverts.increment();
  }

  public double orphanRevertCount() {
    return orphanReverts.count();
  }

  public void driftRepaired() {
    driftRepairs.increment();
  }

  public void failed(FailureReason reason) {
    failures.get(reason).increment();
  }

  public Timer passDuration() {
    return passDuration;
  }

  public void statusWritten() {
    statusWrites.increment();
  }

  public void statusWriteRetried() {
    statusWriteRetries.increment();
  }

  public void statusWriteFailed() {
    statusWriteFailures.increment();
  }

  public void event(EventResult result) {
    events.get(result).increment();
  }

  public double eventCount(EventResult result) {
    return events.get(result).count();
  }

  public double isolationCount() {
    return isolations.count();
  }

  public double driftRepairCount() {
    return driftRepairs.count();
  }

  public double statusWriteCount() {
    return statusWrites.count();
  }
}
