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
}
