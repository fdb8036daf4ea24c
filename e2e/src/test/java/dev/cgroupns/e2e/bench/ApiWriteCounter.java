package dev.cgroupns.e2e.bench;

import dev.cgroupns.testbed.kube.faults.Fault;
import dev.cgroupns.testbed.kube.faults.FaultRule;
import dev.cgroupns.testbed.kube.faults.FaultRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the writes (POST, PUT, PATCH, DELETE) the embedded API endpoint receives, by what they
 * write. It uses the endpoint's programmable rules with a fault that changes nothing (the request
 * is performed and answered at once): each rule counts the requests it matched. The first matching
 * rule takes a request, so the more specific paths come first.
 */
public final class ApiWriteCounter {

  /** What a write changes, and who writes it in this system. */
  public enum Target {
    AGENT_STATUS("node-object status (agents)", "cgroupisolationnodes/*/status"),
    NODE_OBJECT("node-object spec (operator)", "cgroupisolationnodes**"),
    ISOLATION_STATUS("CgroupIsolation status (operator)", "cgroupisolations/*/status"),
    ISOLATION("CgroupIsolation metadata (finalizer)", "cgroupisolations**"),
    EVENT("Events", null),
    OTHER("other", null);

    private final String label;
    private final String customResourcePath;

    Target(String label, String customResourcePath) {
      this.label = label;
      this.customResourcePath = customResourcePath;
    }

    List<String> pathPatterns() {
      if (customResourcePath != null) {
        return List.of("/apis/cgroupns.dev/*/namespaces/*/" + customResourcePath);
      }
      return this == EVENT
          ? List.of("/api/v1/namespaces/*/events**", "/apis/events.k8s.io/**")
          : List.of("/**");
    }

    public String label() {
      return label;
    }
  }

  private static final List<String> WRITES = List.of("POST", "PUT", "PATCH", "DELETE");
  private static final Fault UNCHANGED = Fault.timeoutAfterWrite(Duration.ZERO);

  /**
   * Call before the endpoint starts: the rules log every request they take at INFO, and a counting
   * rule takes every write (slf4j-simple reads a logger's level when the logger is created).
   */
  public static void quietRuleLog() {
    System.setProperty("org.slf4j.simpleLogger.log." + FaultRules.class.getName(), "warn");
  }

  private final Map<Target, List<FaultRule>> rules = new LinkedHashMap<>();
  private final List<FaultRule> byTheBenchmark = new ArrayList<>();

  /**
   * Installs the counting rules ahead of any rule added later.
   *
   * <p>The benchmark's own writes (creating and deleting the CgroupIsolation: POST and DELETE of
   * cgroupisolations, which nothing else sends) are counted apart.
   */
  public ApiWriteCounter(FaultRules endpoint) {
    for (String method : List.of("POST", "DELETE")) {
      byTheBenchmark.add(
          endpoint.add(
              FaultRule.on(
                      method, "/apis/cgroupns.dev/*/namespaces/*/cgroupisolations**", UNCHANGED)
                  .always()));
    }
    for (Target target : Target.values()) {
      List<FaultRule> forTarget = new ArrayList<>();
      for (String path : target.pathPatterns()) {
        for (String method : WRITES) {
          forTarget.add(endpoint.add(FaultRule.on(method, path, UNCHANGED).always()));
        }
      }
      rules.put(target, forTarget);
    }
  }

  /** The counts so far; subtract two snapshots for the writes in between. */
  public Counts snapshot() {
    Map<Target, Integer> counts = new LinkedHashMap<>();
    rules.forEach((t, r) -> counts.put(t, r.stream().mapToInt(FaultRule::hits).sum()));
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
