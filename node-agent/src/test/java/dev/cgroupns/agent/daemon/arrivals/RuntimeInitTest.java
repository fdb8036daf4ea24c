package dev.cgroupns.agent.daemon.arrivals;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RuntimeInitTest {
  @Test
  void runcsStagesAreStillTheRuntimeAndAnyProgramIsStarted() {
    assertThat(RuntimeInit.stillPreparing("runc:[2:INIT]")).isTrue();
    assertThat(RuntimeInit.stillPreparing("runc:[1:CHILD]")).isTrue();
    assertThat(RuntimeInit.stillPreparing("crun")).isTrue();
    assertThat(RuntimeInit.stillPreparing("exe")).isTrue();
    assertThat(RuntimeInit.stillPreparing("5")).isTrue();
    assertThat(RuntimeInit.stillPreparing("sleep")).isFalse();
    assertThat(RuntimeInit.stillPreparing("sh5")).isFalse();
    assertThat(RuntimeInit.stillPreparing("java")).isFalse();
    assertThat(RuntimeInit.stillPreparing("runc:[2:INIT]x")).isFalse();
  }

  @Test
  void runcsInitCountsAsSetUpOnlyWhileItWaitsOnItsExecFifo() {
    assertThat(RuntimeInit.setUp("runc:[2:INIT]", () -> "wait_for_partner")).isTrue();
    assertThat(RuntimeInit.setUp("runc:[2:INIT]", () -> "do_mount")).isFalse();
    assertThat(RuntimeInit.setUp("runc:[2:INIT]", () -> "0")).isFalse();
    assertThat(RuntimeInit.setUp("runc:[2:INIT]", () -> "")).isFalse();
    // Only runc's final stage is past its mounts when it waits on a FIFO.
    assertThat(RuntimeInit.setUp("runc:[1:CHILD]", () -> "wait_for_partner")).isFalse();
    assertThat(RuntimeInit.setUp("exe", () -> "wait_for_partner")).isFalse();
    assertThat(RuntimeInit.setUp("sleep", () -> "")).isTrue();
  }

  @Test
  void aProgramsWaitIsNeverReadForAStartedProgram() {
    assertThat(
            RuntimeInit.setUp(
                "sleep",
                () -> {
                  throw new AssertionError("wchan read for a started program");
                }))
        .isTrue();
  }
}
