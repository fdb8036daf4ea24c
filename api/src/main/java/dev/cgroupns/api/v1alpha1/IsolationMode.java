package dev.cgroupns.api.v1alpha1;

/** Whether the agents change containers or only report what they would change. */
public enum IsolationMode {
  /** Replace the selected containers' cgroupfs mounts with isolated ones. */
  Enforce,
  /** Report, per container, exactly what Enforce would change, and change nothing. */
  Audit
}
