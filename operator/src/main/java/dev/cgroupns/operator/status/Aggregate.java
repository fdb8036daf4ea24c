package dev.cgroupns.operator.status;

import dev.cgroupns.api.v1alpha1.CgroupIsolationStatus;

/**
 * The folded results of every node, ready to become the CgroupIsolation status (conditions are
 * added by {@link ConditionCalculator}).
 *
 * @param status counters, per-node summaries and problems, without conditions
 * @param nodesNotReporting nodes whose agent has not acted on the current instructions yet
 * @param nodesReverting nodes that no longer have targets, whose agent still has to revert
 */
public record Aggregate(CgroupIsolationStatus status, int nodesNotReporting, int nodesReverting) {

  public int pending() {
    return status.pending;
  }

  public int failed() {
    return status.failed;
  }

  public int matched() {
    return status.matched;
  }
}
