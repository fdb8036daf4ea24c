package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.proc.ProcessIdentity;

/** Another agent or CLI holds the container's lock: the two must not interleave. */
public class ContainerBusyException extends RuntimeException {
  public ContainerBusyException(ProcessIdentity process, String lockFile) {
    super(
        "another agent is working on "
            + process
            + " (lock "
            + lockFile
            + " is held); nothing was changed, try again later");
  }
}
