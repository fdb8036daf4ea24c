package dev.cgroupns.e2e.bench;

import java.util.List;

/**
 * Summary of repeated measurements: median, 90th percentile (nearest rank), minimum and maximum.
 * Benchmarks report these rather than a mean, which one slow round on a shared machine would skew.
 */
public record Distribution(long median, long p90, long min, long max, int count) {

  public static Distribution of(List<Long> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no measurements");
    }
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    // Median of an even count: the lower middle value, so the figure is one that was measured.
    long median = sorted.get((n - 1) / 2);
    long p90 = sorted.get(nearestRank(0.9, n) - 1);
    return new Distribution(median, p90, sorted.get(0), sorted.get(n - 1), n);
  }

  /** The 1-based nearest-rank index of a percentile: ceil(p * n). */
  static int nearestRank(double p, int n) {
    return Math.max(1, (int) Math.ceil(p * n));
  }

  /** E.g. "median 640 ms, p90 810 ms, min 602 ms, max 810 ms (5 rounds)". */
  public String format(String unit) {
    return String.format(
        "median %d %s, p90 %d %s, min %d %s, max %d %s (%d rounds)",
        median, unit, p90, unit, min, unit, max, unit, count);
  }
}
