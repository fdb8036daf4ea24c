package dev.cgroupns.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcessMemoryTest {

  @Test
  void readsResidentPeakAndSplit() {
    String status =
        """
        Name:\tjava
        VmPeak:\t 5123456 kB
        VmHWM:\t  301234 kB
        VmRSS:\t  287000 kB
        RssAnon:\t  250000 kB
        RssFile:\t   37000 kB
        RssShmem:\t       0 kB
        Threads:\t37
        """;
    assertThat(ProcessMemory.parse(status))
        .isEqualTo(new ProcessMemory(287000, 301234, 250000, 37000));
  }

  @Test
  void aMissingFieldIsAnError() {
    assertThatThrownBy(() -> ProcessMemory.parse("VmRSS:\t 1 kB\n")).hasMessageContaining("VmHWM");
  }

  @Test
  void readsThisProcess() throws Exception {
    ProcessMemory self = ProcessMemory.of(ProcessHandle.current().pid());
    assertThat(self.rssKib()).isPositive().isLessThanOrEqualTo(self.hwmKib());
  }
}
