package dev.cgroupns.api.v1alpha1;

/** What the operator asks a node's agent to do with the listed pods. */
public enum NodeAction {
  /** Isolate (or, in Audit mode, inspect) the listed pods' containers, and revert any others. */
  Apply,
  /** Revert everything this object ever isolated: its CgroupIsolation is being deleted. */
  Revert
}
