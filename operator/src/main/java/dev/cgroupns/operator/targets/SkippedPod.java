package dev.cgroupns.operator.targets;

/** A pod the selector matched but the operator left alone, and why. */
public record SkippedPod(String name, String uid, Reason reason) {

  /** Why a selected pod is not targeted. */
  public enum Reason {
    /** It carries the opt-out annotation. */
    OptedOut,
    /** It runs in a namespace that is never acted on (kube-system). */
    SystemNamespace,
    /** It is one of this project's own pods (operator or agent). */
    OwnComponent,
    /** It mounts the host cgroupfs on purpose and the isolation does not include such pods. */
    HostCgroupfs,
    /** It is not scheduled to a node yet. */
    NotScheduled,
    /** It has finished or is being deleted. */
    Terminated,
    /** Its node is no longer part of the cluster. */
    NodeGone,
    /** None of its containers is named in spec.containers. */
    NoMatchingContainers,
    /** Its node already has the maximum number of targets one node object may carry. */
    TooManyPodsOnNode
  }
}
