package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.proc.ProcessIdentity;

/**
 * Hook into an isolation or revert, on the caller's thread (never on the namespace thread). The
 * agent uses none; tests use it to make the container exit, lose its cgroup or change its mounts at
 * the worst moment.
 */
public interface IsolationObserver {
  IsolationObserver NONE = new IsolationObserver() {};

  /**
   * Called after the plan was made, the revert record written and every fd opened, right before the
   * dedicated thread joins the container's cgroups and enters its mount namespace.
   */
  default void beforeNamespaceSwitch(ProcessIdentity process) {}
}
