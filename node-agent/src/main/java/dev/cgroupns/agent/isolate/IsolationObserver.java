package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.proc.ProcessIdentity;

/**
 * Hook into an isolation or revert, called on the caller's thread (never on the namespace thread).
 * The agent uses none; tests use it to make the container exit, lose its cgroup or change its
 * mounts at the worst moments.
 */
@FunctionalInterface
public interface IsolationObserver {
  IsolationObserver NONE = (step, process) -> {};

  /** Where the work stands when the observer is called. */
  enum Step {
    /**
     * The plan is made and the lock held; no fd is open yet, the dedicated thread has not joined
     * any cgroup, nothing is written.
     */
    PLANNED,
    /**
     * The revert record is written and every fd is open; the dedicated thread may already have
     * joined the container's cgroups and made the new (still detached) mounts. Next it enters the
     * container's mount namespace and swaps the mounts.
     */
    BEFORE_NAMESPACE_SWITCH
  }

  void at(Step step, ProcessIdentity process);
}
