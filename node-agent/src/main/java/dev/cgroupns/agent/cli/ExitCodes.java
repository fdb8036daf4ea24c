package dev.cgroupns.agent.cli;

import dev.cgroupns.agent.cgroup.CgroupPathException;
import dev.cgroupns.agent.inspect.NoSuchProcessException;
import dev.cgroupns.agent.isolate.ContainerBusyException;
import dev.cgroupns.agent.isolate.IsolationFailedException;
import dev.cgroupns.agent.isolate.IsolationOutcome.Result;
import dev.cgroupns.agent.kernel.KernelException;
import dev.cgroupns.agent.kernel.NamespaceThreadTimeoutException;
import dev.cgroupns.agent.proc.MountTableTooLargeException;
import dev.cgroupns.agent.proc.ProcessVanishedException;

/** The exit codes of the node-agent CLI; the {@code --help} footer and the README list them. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int USAGE = 1;
  public static final int NO_SUCH_PROCESS = 2;

  /**
   * Never returned by the CLI: it is what the JVM exits with under {@code
   * -XX:+ExitOnOutOfMemoryError}, which the DaemonSet's JAVA_TOOL_OPTIONS set for every JVM in the
   * agent's pod, so it must not mean anything else.
   */
  public static final int JVM_OUT_OF_MEMORY = 3;

  public static final int VANISHED = 4;
  public static final int KERNEL_FAILURE_ROLLED_BACK = 5;
  public static final int ALREADY_PRIVATE = 6;
  public static final int BUSY = 7;
  public static final int REFUSED = 8;
  public static final int NOT_UNDONE = 9;
  public static final int INTERNAL = 10;
  public static final int MOUNT_TABLE_TOO_LARGE = 11;
  public static final int NOT_A_CONTAINER = 12;

  /** The footer of every command's help. */
  public static final String[] FOOTER = {
    "",
    "Exit codes:",
    "  0  done (isolated, already isolated, nothing to do, reverted, inspected)",
    "  1  usage error",
    "  2  no process with that PID",
    "  3  the JVM ran out of memory (-XX:+ExitOnOutOfMemoryError); run inspect to see",
    "     what state the container is in",
    "  4  the container exited, or its PID was reused, before or during the work",
    "  5  a system call failed; everything done so far was undone",
    "  6  it already has a private cgroup namespace; left alone",
    "  7  another agent or CLI is working on this container; nothing changed",
    "  8  refused as unsafe (reason printed); nothing changed",
    "  9  a system call failed and could NOT be fully undone (mount points",
    "     printed; the revert record is kept for 'revert')",
    "  10 unexpected internal error",
    "  11 the container's mount table is too large to read (more than 100000 mounts, more",
    "     than 4096 cgroupfs mounts and mounts around them, or a line longer than any real",
    "     path makes); nothing changed",
    "  12 the process belongs to no container (see --any-process)",
  };

  private ExitCodes() {}

  /** The exit code for a failure. */
  public static int of(Throwable failure) {
    if (failure instanceof NotAContainerException) {
      return NOT_A_CONTAINER;
    }
    if (failure instanceof NoSuchProcessException) {
      return NO_SUCH_PROCESS;
    }
    if (failure instanceof ProcessVanishedException) {
      return VANISHED;
    }
    if (failure instanceof ContainerBusyException) {
      return BUSY;
    }
    if (failure instanceof IsolationFailedException e) {
      return e.containerUnchanged() ? KERNEL_FAILURE_ROLLED_BACK : NOT_UNDONE;
    }
    if (failure instanceof KernelException || failure instanceof NamespaceThreadTimeoutException) {
      return KERNEL_FAILURE_ROLLED_BACK;
    }
    if (failure instanceof MountTableTooLargeException) {
      return MOUNT_TABLE_TOO_LARGE;
    }
    if (failure instanceof CgroupPathException) {
      return REFUSED;
    }
    return INTERNAL;
  }

  /** The exit code for a result. */
  public static int of(Result result) {
    return switch (result) {
      case ALREADY_PRIVATE -> ALREADY_PRIVATE;
      case REFUSED -> REFUSED;
      default -> OK;
    };
  }
}
