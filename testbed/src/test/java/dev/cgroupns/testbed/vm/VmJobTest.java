package dev.cgroupns.testbed.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VmJobTest {

  @Test
  void runsTheCommandQuotedInItsDirectoryRecordsItsStatusThenPowersOff() {
    String script =
        new VmJob(
                List.of("/usr/bin/java", "-cp", "a b:c", "it's"),
                Path.of("/work/m"),
                Map.of("CI", "true"))
            .render(Path.of("/work/m/target/vm-reports"));

    assertThat(script)
        .startsWith("#!/bin/sh\n")
        .contains("export CI='true'\n")
        .contains("cd '/work/m' || exit 1\n")
        .contains(
            "'/usr/bin/java' '-cp' 'a b:c' 'it'\\''s' > '/work/m/target/vm-reports/job-output.txt' 2>&1 < /dev/null\n")
        .contains("echo $? > '/work/m/target/vm-reports/job-exit-status'\n");
    assertThat(script.indexOf("job-exit-status")).isLessThan(script.indexOf("sysrq-trigger"));
  }

  @Test
  void environmentNamesTheShellWouldInterpretAreRefused() {
    assertThatThrownBy(() -> new VmJob(List.of("x"), Path.of("/"), Map.of("A;B", "1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VmJob(List.of(), Path.of("/"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
