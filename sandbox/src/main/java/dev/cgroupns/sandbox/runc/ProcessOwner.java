package dev.cgroupns.sandbox.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process identified by pid and start time (field 22 of /proc/PID/stat), so that a reused PID is
 * not mistaken for the original owner.
 */
public record ProcessOwner(long pid, long startTime) {

  public static ProcessOwner self() {
    long pid = ProcessHandle.current().pid();
    return new ProcessOwner(pid, startTimeOf(Path.of("/proc"), pid).orElse(-1L));
  }

  /** Parses "PID STARTTIME" as written by {@link #toString}. */
  public static Optional<ProcessOwner> read(Path file) {
    try {
      String[] parts = Files.readString(file).strip().split(" ");
      return Optional.of(new ProcessOwner(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public boolean isAlive() {
    return startTimeOf(Path.of("/proc"), pid).map(t -> t == startTime).orElse(false);
  }

  /** The start time from a stat line; the command name may contain spaces and parentheses. */
  static Optional<Long> startTimeOf(Path proc, long pid) {
    try {
      String stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields[0] is field 3 (state); the start time is field 22.
      return Optional.of(Long.parseLong(fields[19]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return pid + " " + startTime;
  }
}
