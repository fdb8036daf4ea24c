package dev.cgroupns.agent.proc;

/**
 * A process as the agent identifies it (safety rule 5): PIDs are reused, so a PID alone never names
 * a process; the start time (field 22 of /proc/PID/stat, clock ticks since boot) makes it unique
 * for the life of the machine.
 */
public record ProcessIdentity(int pid, long startTime) {
  public ProcessIdentity {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be positive, got " + pid);
    }
    if (startTime < 0) {
      throw new IllegalArgumentException("start time must not be negative, got " + startTime);
    }
  }

  @Override
  public String toString() {
    return "pid " + pid + " (start time " + startTime + ")";
  }
}
