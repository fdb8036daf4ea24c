package dev.cgroupns.testbed.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process identified by pid and start time (field 22 of /proc/PID/stat), so that a reused PID is
 * not mistaken for the original owner.
 */
public record ProcessOwner(long pid, long startTime) {

  private static final Path PROC = Path.of("/proc");

  public static ProcessOwner self() {
    return of(ProcessHandle.current().pid());
  }

  /** The process {@code pid} as it is now (start time -1 when it is already gone). */
  public static ProcessOwner of(long pid) {
    return new ProcessOwner(pid, statFields(pid).map(f -> Long.parseLong(f[19])).orElse(-1L));
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
    return statFields(pid).map(f -> Long.parseLong(f[19]) == startTime).orElse(false);
  }

  /**
   * True while {@code pid} exists and is not a zombie: a killed container's process may stay a
   * zombie for a while, since the reaper (PID 1 here) is not an ordinary init.
   */
  public static boolean isRunning(long pid) {
    return statFields(pid).map(f -> !f[0].equals("Z") && !f[0].equals("X")).orElse(false);
  }

  /**
   * The fields of /proc/PID/stat after the command name, which may contain spaces and parentheses:
   * [0] is field 3 (state), [19] field 22 (start time).
   */
  private static Optional<String[]> statFields(long pid) {
    try {
      String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return fields.length > 19 ? Optional.of(fields) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return pid + " " + startTime;
  }
}
