package dev.cgroupns.agent.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProcStatParserTest {
  private static final String AFTER_COMM =
      " S 1 1234 1234 0 -1 4194560 1044 0 0 0 3 1 0 0 20 0 1 0 987654 5898240 250 "
          + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

  @Test
  void startTimeIsField22() {
    assertThat(ProcStatParser.startTime("4321 (sleep)" + AFTER_COMM)).isEqualTo(987654L);
    assertThat(ProcStatParser.state("4321 (sleep)" + AFTER_COMM)).isEqualTo('S');
  }

  @Test
  void parentPidIsField4EvenAfterAHostileComm() {
    assertThat(ProcStatParser.parentPid("4321 (sleep)" + AFTER_COMM)).isEqualTo(1);
    assertThat(ProcStatParser.parentPid("4321 (a) S 99 (b)" + AFTER_COMM)).isEqualTo(1);
    assertThat(ProcStatParser.parentPid("4321 (x) S 0 1 1")).isZero();
    assertThatThrownBy(() -> ProcStatParser.parentPid("4321 (x) S -5 1"))
        .isInstanceOf(ProcFormatException.class);
    assertThatThrownBy(() -> ProcStatParser.parentPid("4321 x S 1"))
        .isInstanceOf(ProcFormatException.class);
    assertThatThrownBy(() -> ProcStatParser.parentPid("4321 (x) S"))
        .isInstanceOf(ProcFormatException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "a) 9 9 9 (b", ")", "((", ") S 1 2 3 4", "x\ny"})
  void commWithSpacesAndParenthesesIsSkipped(String comm) {
    assertThat(ProcStatParser.startTime("77 (" + comm + ")" + AFTER_COMM)).isEqualTo(987654L);
  }

  @Test
  void realStatOfThisProcess() throws Exception {
    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
    assertThat(ProcStatParser.startTime(stat)).isPositive();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "1 (x) S 1 2 3",
        "1 x) S 1 1234 1234 0 -1 4194560 1044 0 0 0 3 1 0 0 20 0 1 0 notanumber 0",
        "1 (x) S 1 1234 1234 0 -1 4194560 1044 0 0 0 3 1 0 0 20 0 1 0 notanumber 0",
        "1 (x) S 1 1234 1234 0 -1 4194560 1044 0 0 0 3 1 0 0 20 0 1 0 -5 0"
      })
  void garbageThrowsAClearFormatException(String stat) {
    assertThatThrownBy(() -> ProcStatParser.startTime(stat))
        .isInstanceOf(ProcFormatException.class)
        .hasMessageStartingWith("stat:");
  }

  @Test
  void nullThrowsAFormatException() {
    assertThatThrownBy(() -> ProcStatParser.startTime(null))
        .isInstanceOf(ProcFormatException.class);
  }
}
