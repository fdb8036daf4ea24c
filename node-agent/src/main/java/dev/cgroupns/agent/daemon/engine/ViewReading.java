package dev.cgroupns.agent.daemon.engine;

/**
 * Whether an isolate call reads the container's view for the status. Reading it costs a visit to
 * the container's namespaces, which an unchanged container the status already describes is spared.
 */
public enum ViewReading {
  /** Always report the container's view. */
  READ,
  /** Report it only when the call changed something or would (audit). */
  ONLY_WHEN_CHANGED
}
