package dev.cgroupns.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Puts a process's start time (field 22 of /proc/PID/stat: clock ticks since boot) on the clock of
 * {@link System#nanoTime()}, so it can be compared with when this JVM saw something happen.
 *
 * <p>Both the start time and /proc/uptime count on the boot-time clock (CLOCK_BOOTTIME), which Java
 * 17 cannot read directly; nanoTime is CLOCK_MONOTONIC, which differs from it by a constant while
 * the machine does not suspend. The constant is found by reading /proc/uptime (floored to 10 ms)
 * between two nanoTime readings many times across tick boundaries: each reading bounds it from both
 * sides, and the tightest bounds leave well under a millisecond of uncertainty. The start time
 * itself stays floored to a clock tick: USER_HZ, 100 on Linux whatever the kernel's HZ, so 10 ms.
 */
final class BootClock {
  /** USER_HZ: what sysconf(_SC_CLK_TCK) returns on every Linux architecture. */
  static final int TICKS_PER_SECOND = 100;

  private static final long NANOS_PER_TICK = TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND;
  private static final long NANOS_PER_UPTIME_UNIT = TimeUnit.MILLISECONDS.toNanos(10);

  /** One reading of /proc/uptime (in hundredths of a second) between two nanoTime readings. */
  record Sample(long beforeNanos, long uptimeCentis, long afterNanos) {}

  /** Boot-time nanoseconds = nanoTime + offset. */
  private final long offsetNanos;

  private final long uncertaintyNanos;

  private BootClock(long offsetNanos, long uncertaintyNanos) {
    this.offsetNanos = offsetNanos;
    this.uncertaintyNanos = uncertaintyNanos;
  }

  /** Reads /proc/uptime for about {@code millis} ms and calibrates from what it read. */
  static BootClock measure(long millis) throws IOException {
    Path uptime = Path.of("/proc/uptime");
    List<Sample> samples = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) {
      long before = System.nanoTime();
      String text = Files.readString(uptime);
      long after = System.nanoTime();
      samples.add(new Sample(before, parseUptimeCentis(text), after));
    }
    return calibrate(samples);
  }

  /**
   * The offset that every sample allows: a reading {@code u} means the boot-time clock was in
   * {@code [u, u + 10 ms)} at some moment between {@code before} and {@code after}.
   */
  static BootClock calibrate(List<Sample> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no /proc/uptime readings to calibrate from");
    }
    long lower = Long.MIN_VALUE;
    long upper = Long.MAX_VALUE;
    for (Sample s : samples) {
      long boot = s.uptimeCentis() * NANOS_PER_UPTIME_UNIT;
      lower = Math.max(lower, boot - s.afterNanos());
      upper = Math.min(upper, boot + NANOS_PER_UPTIME_UNIT - s.beforeNanos());
    }
    if (lower > upper) {
      throw new IllegalStateException(
          "the boot-time and monotonic clocks drifted apart while calibrating (suspend?)");
    }
    return new BootClock(lower + (upper - lower) / 2, (upper - lower) / 2);
  }

  /** "350735.47 699655.51" to 35073547: the first field, in hundredths of a second. */
  static long parseUptimeCentis(String procUptime) {
    String first = procUptime.trim().split("\\s+")[0];
    int dot = first.indexOf('.');
    if (dot < 0 || first.length() - dot - 1 != 2) {
      throw new IllegalArgumentException("not an uptime with two decimals: '" + first + "'");
    }
    return Long.parseLong(first.substring(0, dot)) * 100 + Long.parseLong(first.substring(dot + 1));
  }

  /** A start time in clock ticks since boot, as a nanoTime value (floored to the tick). */
  long nanoTimeOfTicks(long ticksSinceBoot) {
    return ticksSinceBoot * NANOS_PER_TICK - offsetNanos;
  }

  /** Half the width of the interval the offset was found in. */
  long uncertaintyNanos() {
    return uncertaintyNanos;
  }
}
