package dev.cgroupns.agent.inspect;

/** No process has the PID the user gave. */
public class NoSuchProcessException extends RuntimeException {
  private final int pid;

  public NoSuchProcessException(int pid) {
    super("no process with PID " + pid);
    this.pid = pid;
  }

  public int pid() {
    return pid;
  }
}
