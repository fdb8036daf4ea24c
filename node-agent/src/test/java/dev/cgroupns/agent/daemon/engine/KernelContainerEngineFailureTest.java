package dev.cgroupns.agent.daemon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.proc.MountTableTooLargeException;
import org.junit.jupiter.api.Test;

class KernelContainerEngineFailureTest {
  @Test
  void aMountTableTooLargeIsItsOwnReasonWithTheParserMessage() {
    EngineOutcome outcome =
        KernelContainerEngine.failure(
            new MountTableTooLargeException("the mount table has more than 100000 mounts"),
            42L,
            false);

    assertThat(outcome.failure()).isEqualTo(FailureReason.MountTableTooLarge);
    assertThat(outcome.detail()).contains("more than 100000 mounts");
  }
}
