package dev.cgroupns.testbed.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmCrashReportTest {

  private static final List<String> REPORT =
      List.of(
          "# A fatal error has been detected by the Java Runtime Environment:",
          "#  SIGILL (0x4) at pc=0x00007feccda95082, pid=121, tid=122",
          "",
          "Registers:",
          "RAX=0x0000000000000000",
          "",
          "Instructions: (pc=0x00007feccda95082)",
          "0x00007feccda94f82:   00 00 00 00 00 00 00 00",
          "0x00007feccda95082:   0f 0b 00 00 44 89 84 24",
          "",
          "Stack slot to memory mapping:");

  @Test
  void theInstructionsBlockIsCutAtItsBlankLine() {
    assertThat(JvmCrashReport.instructions(REPORT))
        .isEqualTo(
            "Instructions: (pc=0x00007feccda95082)\n"
                + "0x00007feccda94f82:   00 00 00 00 00 00 00 00\n"
                + "0x00007feccda95082:   0f 0b 00 00 44 89 84 24\n");
  }

  @Test
  void aReportWithoutInstructionsSaysSo() {
    assertThat(JvmCrashReport.instructions(REPORT.subList(0, 5)))
        .isEqualTo("(no instructions block in the report)\n");
  }

  @Test
  void onlyCrashReportsOfTheLaunchersPatternAreRead(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("jvm-crash-121.log"), REPORT);
    Files.write(dir.resolve("TEST-junit-jupiter.xml"), List.of("<testsuite/>"));
    Files.write(dir.resolve("jvm-crash-x.log"), REPORT);

    assertThat(JvmCrashReport.excerpts(dir))
        .startsWith("\n--- jvm-crash-121.log ---\nInstructions: (pc=0x00007feccda95082)\n")
        .doesNotContain("jvm-crash-x.log");
    assertThat(JvmCrashReport.excerpts(dir.resolve("absent"))).isEmpty();
  }

  @Test
  void theFilePatternIsTheOneTheExcerptsLookFor() {
    assertThat(JvmCrashReport.FILE_PATTERN.replace("%p", "77")).matches("jvm-crash-[0-9]+\\.log");
  }
}
