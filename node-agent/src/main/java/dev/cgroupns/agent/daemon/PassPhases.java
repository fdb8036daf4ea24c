package dev.cgroupns.agent.daemon;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The phases of one pass, timed, so that a slow pass says where its time went: resolving the
 * targets, the /proc scan, the engine. A pass holds up every other, and a container that started
 * meanwhile runs unisolated until the next one.
 */
final class PassPhases {
  private final LongSupplier nanoTime;
  private final long start;
  private long last;
  private final StringBuilder phases = new StringBuilder();

  PassPhases() {
    this(System::nanoTime);
  }

  PassPhases(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
    this.last = start;
  }

  /** Ends the phase that ran since the last one ended (or since the pass began). */
  void ended(String phase) {
    long now = nanoTime.getAsLong();
    if (phases.length() > 0) {
      phases.append(", ");
    }
    phases
        .append(phase)
        .append(' ')
        .append(TimeUnit.NANOSECONDS.toMillis(now - last))
        .append(" ms");
    last = now;
  }

  long totalMillis() {
    return TimeUnit.NANOSECONDS.toMillis(last - start);
  }

  /** E.g. "resolve 2 ms, /proc scan 310 ms, engine (3 containers) 40 ms". */
  String describe() {
    return phases.toString();
  }
}
