package dev.cgroupns.agent.inspect;

import dev.cgroupns.agent.kernel.Kernel;
import dev.cgroupns.agent.kernel.KernelException;
import dev.cgroupns.agent.kernel.Linux;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcStatParser;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.proc.ProcessVanishedException;

/** Checks that a (pid, start time) still names the same process, and opens its /proc files. */
public final class TargetProcess {
  private TargetProcess() {}

  /** The process's current identity; fails when there is no process with that PID. */
  public static ProcessIdentity current(ProcFs procFs, int pid) {
    return procFs.identity(pid).orElseThrow(() -> new NoSuchProcessException(pid));
  }

  /**
   * Fails unless the PID still names exactly {@code expected}.
   *
   * @throws ProcessVanishedException when it exited
   * @throws PidReusedException when the PID now names a process with another start time
   */
  public static void verify(ProcFs procFs, ProcessIdentity expected) {
    String stat;
    try {
      stat = procFs.read(expected.pid(), "stat", 4096);
    } catch (ProcessVanishedException e) {
      throw vanished(expected);
    }
    ProcessIdentity now = new ProcessIdentity(expected.pid(), ProcStatParser.startTime(stat));
    if (!now.equals(expected)) {
      throw new PidReusedException(expected, now);
    }
    char state = ProcStatParser.state(stat);
    if (state == 'Z' || state == 'X') {
      throw vanished(expected); // exited, not yet reaped: its namespaces are gone
    }
  }

  /**
   * Opens /proc/PID/{name} read-only. Call {@link #verify} afterwards: then the fd is known to
   * belong to the expected process, because the PID could not have changed hands in between without
   * the start time changing.
   */
  public static int open(ProcFs procFs, ProcessIdentity process, String name) {
    String path = procFs.pidDir(process.pid()).resolve(name).toString();
    try {
      return Kernel.open(path, Linux.O_RDONLY);
    } catch (KernelException e) {
      if (e.errno() == Linux.ENOENT || e.errno() == Linux.ESRCH) {
        throw vanished(process);
      }
      throw e;
    }
  }

  private static ProcessVanishedException vanished(ProcessIdentity process) {
    return new ProcessExitedException(process);
  }
}
