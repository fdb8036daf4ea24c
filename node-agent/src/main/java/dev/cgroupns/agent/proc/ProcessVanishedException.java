package dev.cgroupns.agent.proc;

/**
 * The process exited (or became a zombie) while the agent was reading its /proc files. Callers
 * treat it as "the container went away", never as a generic I/O failure.
 */
public class ProcessVanishedException extends RuntimeException {
  private final int pid;

  public ProcessVanishedException(int pid) {
    this(pid, null);
  }

  public ProcessVanishedException(int pid, Throwable cause) {
    super("process " + pid + " vanished while it was being read", cause);
    this.pid = pid;
  }

  public int pid() {
    return pid;
  }
}
