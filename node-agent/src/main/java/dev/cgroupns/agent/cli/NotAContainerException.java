package dev.cgroupns.agent.cli;

/** The process's cgroup path names no container. */
public class NotAContainerException extends RuntimeException {
  public NotAContainerException(int pid) {
    super(
        "process "
            + pid
            + " belongs to no container: none of its cgroup paths names one"
            + " (kubelet, containerd, CRI-O, docker); use --any-process to act anyway");
  }
}
