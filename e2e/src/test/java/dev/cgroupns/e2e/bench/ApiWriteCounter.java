package dev.cgroupns.e2e.bench;

import dev.cgroupns.testbed.cluster.AuditLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Counts the writes (create, update, patch, delete) that the real API server answered, by what they
 * write, from its audit log: nothing stands between the clients and the server to count them. Only
 * the writers of the system under test are counted (the operator, the agents and the simulated
 * agents); the benchmark's own writes (pods, creating and deleting the CgroupIsolation) and those
 * of the controller-manager are not.
 */
public final class ApiWriteCounter {

  /** What a write changes, and who writes it in this system. */
  public enum Target {
    AGENT_STATUS("node-object status (agents)"),
    NODE_OBJECT("node-object spec (operator)"),
    ISOLATION_STATUS("CgroupIsolation status (operator)"),
    ISOLATION("CgroupIsolation metadata (finalizer)"),
    EVENT("Events"),
    OTHER("other");

    private final String label;

    Target(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    static Target of(AuditLog.Entry write) {
      boolean status = "status".equals(write.subresource());
      return switch (write.resource()) {
        case "cgroupisolationnodes" -> status ? AGENT_STATUS : NODE_OBJECT;
        case "cgroupisolations" -> status ? ISOLATION_STATUS : ISOLATION;
        case "events" -> EVENT;
        default -> OTHER;
      };
    }
  }

  private final AuditLog log;
  private final Predicate<AuditLog.Entry> counted;

  /**
   * @param log the API server's audit log
   * @param counted which answered requests are the system's (e.g. by user)
   */
  public ApiWriteCounter(AuditLog log, Predicate<AuditLog.Entry> counted) {
    this.log = log;
    this.counted = counted;
  }

  /** The counts so far; subtract two snapshots for the writes in between. */
  public Counts snapshot() {
    Map<Target, Integer> counts = new LinkedHashMap<>();
    for (Target target : Target.values()) {
      counts.put(target, 0);
    }
    for (AuditLog.Entry entry : log.entries(e -> e.isWrite() && counted.test(e))) {
      counts.merge(Target.of(entry), 1, Integer::sum);
    }
    return new Counts(counts);
  }

  /** Writes by target. */
  public record Counts(Map<Target, Integer> byTarget) {

    public Counts minus(Counts earlier) {
      Map<Target, Integer> diff = new LinkedHashMap<>();
      byTarget.forEach((t, n) -> diff.put(t, n - earlier.byTarget.getOrDefault(t, 0)));
      return new Counts(diff);
    }

    public int total() {
      return byTarget.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** E.g. "12 writes (node-object spec (operator) 2, ...)", leaving out targets with none. */
    public String describe() {
      List<String> parts = new ArrayList<>();
      byTarget.forEach(
          (t, n) -> {
            if (n != 0) {
              parts.add(t.label() + " " + n);
            }
          });
      return total() + " writes" + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")");
    }
  }
}
