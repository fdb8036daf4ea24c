package dev.cgroupns.testbed.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JunitReportsTest {

  private static final String REPORT =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <testsuite name="JUnit Jupiter" tests="3" skipped="1" failures="1" errors="0">
        <testcase name="passes()" classname="a.BTest" time="0.1"/>
        <testcase name="fails()" classname="a.BTest" time="0.2">
          <failure message="expected: 7&#10; but was: 1" type="org.opentest4j.AssertionFailedError">trace</failure>
        </testcase>
        <testcase name="skips()" classname="c.DTest" time="0">
          <skipped>Skipped outside CI: needs root</skipped>
        </testcase>
      </testsuite>
      """;

  @Test
  void eachTestCaseWithItsOutcomeAndTheFirstLineOfItsMessage() throws IOException {
    List<JunitReports.TestCase> cases =
        JunitReports.parse(new ByteArrayInputStream(REPORT.getBytes(StandardCharsets.UTF_8)));

    assertThat(cases)
        .containsExactly(
            new JunitReports.TestCase("a.BTest", "passes()", JunitReports.Outcome.PASSED, ""),
            new JunitReports.TestCase(
                "a.BTest", "fails()", JunitReports.Outcome.FAILED, "expected: 7"),
            new JunitReports.TestCase(
                "c.DTest",
                "skips()",
                JunitReports.Outcome.SKIPPED,
                "Skipped outside CI: needs root"));
  }

  @Test
  void onlyTheReportFilesOfTheDirectoryAreRead(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("TEST-junit-jupiter.xml"), REPORT);
    Files.writeString(dir.resolve("other.xml"), "<not-a-report/>");

    assertThat(JunitReports.read(dir)).hasSize(3);
    assertThat(JunitReports.read(dir.resolve("missing"))).isEmpty();
  }
}
