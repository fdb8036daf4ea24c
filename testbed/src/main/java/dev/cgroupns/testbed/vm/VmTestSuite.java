package dev.cgroupns.testbed.vm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs test classes of a project inside a pure cgroup v2 VM ({@link VirtualMachine}), as root with
 * {@code CI=true} (so a missing precondition fails there instead of skipping), with the JUnit
 * console launcher on the project's own test class path, and checks the reports.
 */
public final class VmTestSuite {

  /** Where the launcher writes its XML reports, in the results directory. */
  public static final String REPORTS = "reports";

  private final VirtualMachine vm;
  private final Path launcherJar;
  private final List<Path> classpath;
  private final Path workingDir;

  /**
   * @param launcherJar junit-platform-console-standalone, of the project's JUnit version
   * @param classpath the project's test class path (as the build gives it to its tests)
   * @param workingDir the directory the tests run in (the module's directory)
   */
  public VmTestSuite(VirtualMachine vm, Path launcherJar, List<Path> classpath, Path workingDir) {
    this.vm = vm;
    this.launcherJar = launcherJar;
    this.classpath = List.copyOf(classpath);
    this.workingDir = workingDir;
  }

  /** What the VM gave back and what the tests did. */
  public record Outcome(VirtualMachine.Result vm, List<JunitReports.TestCase> tests) {

    public List<JunitReports.TestCase> with(JunitReports.Outcome outcome) {
      return tests.stream().filter(t -> t.outcome() == outcome).toList();
    }

    /**
     * Fails unless the VM returned in time, the launcher exited 0, and at least one test ran with
     * none failed or skipped (a skip under CI=true is a broken test or environment).
     */
    public void assertAllPassed() {
      StringBuilder problems = new StringBuilder();
      if (vm.timedOut()) {
        problems.append("the VM did not power off within the timeout and was killed\n");
      }
      if (vm.jobExitStatus().isEmpty()) {
        problems.append("the test run inside the VM never finished\n");
      } else if (vm.jobExitStatus().get() != 0) {
        problems
            .append("the console launcher exited ")
            .append(vm.jobExitStatus().get())
            .append('\n');
      }
      if (tests.isEmpty()) {
        problems.append("no test reports came back\n");
      }
      for (JunitReports.Outcome bad :
          List.of(JunitReports.Outcome.FAILED, JunitReports.Outcome.SKIPPED)) {
        with(bad).forEach(t -> problems.append(t).append('\n'));
      }
      if (problems.length() > 0) {
        throw new AssertionError(
            "tests in the cgroup v2 VM:\n"
                + problems
                + "--- launcher output (tail) ---\n"
                + vm.jobOutputTail(60)
                + JvmCrashReport.excerpts(vm.resultsDir().resolve(REPORTS))
                + "\n--- console (tail) ---\n"
                + vm.consoleTail(30));
      }
    }

    /** "N passed, M failed, K skipped in S s (boot to power-off)". */
    public String summary() {
      Map<JunitReports.Outcome, Long> counts =
          tests.stream()
              .collect(
                  Collectors.groupingBy(JunitReports.TestCase::outcome, Collectors.counting()));
      return String.format(
          "%d passed, %d failed, %d skipped in %.1f s (qemu start to power-off)",
          counts.getOrDefault(JunitReports.Outcome.PASSED, 0L),
          counts.getOrDefault(JunitReports.Outcome.FAILED, 0L),
          counts.getOrDefault(JunitReports.Outcome.SKIPPED, 0L),
          vm.elapsed().toMillis() / 1000.0);
    }
  }

  /** Runs {@code testClasses} in a fresh VM, results in {@code resultsDir}. */
  public Outcome run(List<String> testClasses, Path resultsDir, Duration timeout) {
    vm.requireAvailable();
    if (!Files.isRegularFile(launcherJar)) {
      throw new IllegalStateException("no JUnit console launcher at " + launcherJar);
    }
    Path results = resultsDir.toAbsolutePath().normalize();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    JunitConsoleCommand launcher =
        new JunitConsoleCommand(
            java, launcherJar, classpath, testClasses, results.resolve(REPORTS));
    VmJob job = new VmJob(launcher.arguments(), workingDir, Map.of("CI", "true"));
    VirtualMachine.Result result = vm.run(job, results, timeout);
    return new Outcome(result, JunitReports.read(results.resolve(REPORTS)));
  }
}
