package dev.cgroupns.e2e.bench;

import java.util.List;

/**
 * The median, 99th percentile (nearest rank, as {@link Distribution}) and maximum of measurements
 * that are many per round, e.g. one per container.
 */
record Percentiles(long p50, long p99, long max, int count) {

  static Percentiles of(List<Long> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no measurements");
    }
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return new Percentiles(
        sorted.get((n - 1) / 2),
        sorted.get(Distribution.nearestRank(0.99, n) - 1),
        sorted.get(n - 1),
        n);
  }

  /** E.g. "p50 120 ms, p99 180 ms, max 190 ms (30 containers)". */
  String format(String unit, String what) {
    return format(unit) + " (" + count + " " + what + ")";
  }

  /** E.g. "p50 120 ms, p99 180 ms, max 190 ms". */
  String format(String unit) {
    return String.format("p50 %d %s, p99 %d %s, max %d %s", p50, unit, p99, unit, max, unit);
  }
}
