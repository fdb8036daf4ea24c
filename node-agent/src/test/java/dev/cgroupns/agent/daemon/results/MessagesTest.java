package dev.cgroupns.agent.daemon.results;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessagesTest {
  @Test
  void controlCharactersAndRunsOfWhitespaceBecomeOneSpace() {
    assertThat(Messages.bounded("  mount\tfailed:\n\u0000EPERM\r\n "))
        .isEqualTo("mount failed: EPERM");
  }

  @Test
  void longMessagesAreCutToTheLimitWithAnEllipsis() {
    String bounded = Messages.bounded("x".repeat(10_000));
    assertThat(bounded).hasSize(Messages.MAX_CHARS).endsWith("...");
    assertThat(Messages.bounded("y".repeat(Messages.MAX_CHARS))).isEqualTo("y".repeat(256));
  }

  @Test
  void aSurrogatePairIsNeverSplit() {
    String emoji = "\uD83D\uDE00";
    String bounded = Messages.bounded("a".repeat(252) + emoji + "tail that is cut off");
    assertThat(bounded).hasSizeLessThanOrEqualTo(Messages.MAX_CHARS).endsWith("a...");
    assertThat(Character.isHighSurrogate(bounded.charAt(bounded.length() - 4))).isFalse();
  }

  @Test
  void nullStaysNull() {
    assertThat(Messages.bounded(null)).isNull();
  }
}
