package dev.cgroupns.testbed.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JunitConsoleCommandTest {

  private static final Path LAUNCHER =
      Path.of("/m/target/vm/junit-platform-console-standalone.jar");

  @Test
  void theProjectClassPathGoesOnTheJvmBeforeTheLauncherWithoutItsOwnPlatformJars() {
    List<String> args =
        new JunitConsoleCommand(
                Path.of("/jdk/bin/java"),
                LAUNCHER,
                List.of(
                    Path.of("/m/target/test-classes"),
                    Path.of("/m2/junit-jupiter-api-6.0.2.jar"),
                    Path.of("/m2/junit-jupiter-engine-6.0.2.jar"),
                    Path.of("/m2/junit-platform-launcher-6.0.2.jar"),
                    Path.of("/m2/assertj-core-3.27.7.jar")),
                List.of("a.BTest", "c.DTest"),
                Path.of("/m/target/vm-reports/reports"))
            .arguments();

    assertThat(args.subList(0, 5))
        .containsExactly(
            "/jdk/bin/java",
            "-XX:ErrorFile=/m/target/vm-reports/reports/jvm-crash-%p.log",
            "-cp",
            "/m/target/test-classes:/m2/junit-jupiter-api-6.0.2.jar:/m2/assertj-core-3.27.7.jar:"
                + LAUNCHER,
            JunitConsoleCommand.MAIN_CLASS);
    assertThat(String.join(" ", args))
        .contains(" execute ")
        .contains("--fail-if-no-tests")
        .contains("--select-class a.BTest --select-class c.DTest")
        .endsWith("--reports-dir /m/target/vm-reports/reports");
  }

  @Test
  void somethingElseThanAClassNameIsRefused() {
    assertThatThrownBy(
            () ->
                new JunitConsoleCommand(
                    Path.of("java"),
                    LAUNCHER,
                    List.of(),
                    List.of("--scan-classpath"),
                    Path.of("/r")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new JunitConsoleCommand(
                    Path.of("java"), LAUNCHER, List.of(), List.of(), Path.of("/r")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
