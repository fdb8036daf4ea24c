package dev.cgroupns.operator.targets;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;

/**
 * What one CgroupIsolation targets right now: per node (sorted by name) the pods to isolate, and
 * the selected pods left alone.
 */
public record Resolution(
    SortedMap<String, List<ResolvedPod>> podsByNode, List<SkippedPod> skipped) {
  public Resolution {
    podsByNode = Collections.unmodifiableSortedMap(podsByNode);
    skipped = List.copyOf(skipped);
  }

  public int containerCount() {
    return podsByNode.values().stream()
        .flatMap(List::stream)
        .mapToInt(p -> p.containers().size())
        .sum();
  }
}
