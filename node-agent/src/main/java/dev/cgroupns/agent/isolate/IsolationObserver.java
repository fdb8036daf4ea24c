package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.proc.ProcessIdentity;

/**
 * Hook into an isolation or revert, on the caller's thread (never on the namespace thread). The
 * agent uses none; tests use it to make the container exit, lose its cgroup or change its mounts at
 * the worst moment.
 */
@FunctionalInterface
public interface IsolationObserver {
  IsolationObserver NONE = process -> {};

  /**
   * Called after the plan was made, the revert record written and every fd opened, right before the
   * dedicated thread joins the container's cgroups and enters its mount namespace.
   */
  void beforeNamespaceSwitch(ProcessIdentity process);
}
