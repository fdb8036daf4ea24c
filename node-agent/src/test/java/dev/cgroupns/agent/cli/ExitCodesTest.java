package dev.cgroupns.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.proc.MountTableTooLargeException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
  @Test
  void aMountTableTooLargeHasItsOwnDocumentedCode() {
    int code = ExitCodes.of(new MountTableTooLargeException("too many"));

    assertThat(code).isEqualTo(ExitCodes.MOUNT_TABLE_TOO_LARGE).isNotEqualTo(ExitCodes.INTERNAL);
    assertThat(Arrays.stream(ExitCodes.FOOTER).anyMatch(l -> l.startsWith("  " + code + " ")))
        .isTrue();
  }
}
