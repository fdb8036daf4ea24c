package dev.cgroupns.agent.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time, which a busy shared machine disturbs far less than wall-clock time: the JVM's own (all
 * threads, user and system) and that of its reaped child processes.
 */
final class CpuTime {
  private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux

  private CpuTime() {}

  static long ownNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** cutime + cstime of /proc/self/stat: CPU of children that were waited for. */
  static long childrenNanos() {
    String stat = read("/proc/self/stat");
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is the state (field 3); cutime and cstime are fields 16 and 17.
    return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * NANOS_PER_TICK;
  }

  static String loadAverage() {
    return read("/proc/loadavg").trim();
  }

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
