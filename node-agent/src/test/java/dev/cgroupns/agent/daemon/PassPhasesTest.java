package dev.cgroupns.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PassPhasesTest {
  @Test
  void eachPhaseIsTimedFromTheEndOfThePreviousOne() {
    AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(100));
    PassPhases phases = new PassPhases(now::get);

    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(2));
    phases.ended("resolve");
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(310));
    phases.ended("/proc scan");
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(900));
    phases.ended("status write");

    assertThat(phases.describe()).isEqualTo("resolve 2 ms, /proc scan 310 ms, status write 900 ms");
    assertThat(phases.totalMillis()).isEqualTo(1212);
  }
}
