package dev.cgroupns.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.agent.testing.Requirements;
import dev.cgroupns.sandbox.testing.MachineState;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's command as a separate process on the real machine (root, runc, busybox): with {@code
 * --once} it must end Ready with the before/after views; stopped (SIGTERM, the same path as Ctrl-C)
 * while running or while starting, it must clean up. Either way nothing is left behind.
 */
class SandboxCommandTest {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  private MachineState before;
  private Path log;
  private Process sandbox;

  @BeforeEach
  void captureMachine() throws Exception {
    Requirements.requireRoot();
    Requirements.requireRunc();
    Requirements.requireBusybox();
    before = MachineState.capture();
    log = Files.createTempFile("sandbox-command", ".log");
  }

  @AfterEach
  void removeLog() throws IOException {
    if (sandbox != null && sandbox.isAlive()) {
      sandbox.destroyForcibly();
    }
    Files.deleteIfExists(log);
  }

  @Test
  void onceEndsReadyShowsTheChangeAndLeavesNothingBehind() throws Exception {
    start("--once", "--pods", "2");
    String output = awaitExit();

    assertThat(sandbox.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("installed CRDs")
        .contains("operator running in-process")
        .contains("node agent running in-process for node local")
        .contains("pod demo-0: runc container")
        .contains("pod demo-1: runc container")
        .containsPattern("status: Ready=True")
        .contains("=== what demo-0-app sees ===")
        .contains("done, nothing left behind");
    String mounts = section(output, "cgroup mounts (mount point, root, type, access)");
    String mountsBefore = mounts.substring(0, mounts.indexOf("  after:"));
    String mountsAfter = mounts.substring(mounts.indexOf("  after:"));
    assertThat(mountsBefore).contains("/sys/fs/cgroup/memory  root=/  cgroup  rw");
    assertThat(mountsAfter).doesNotContain("root=/  cgroup");
    assertThat(mountsAfter)
        .containsPattern(
            "/sys/fs/cgroup/memory  root=\\S*/kubepods/besteffort/pod\\S+  cgroup  ro");
    int[] reachable = beforeAfterNumbers(section(output, "cgroup directories it can reach"));
    assertThat(reachable[1]).isLessThan(reachable[0]);
    assertNothingLeftBehind(output);
  }

  @Test
  void kubectlDrivesTheRunningSandboxAndStoppingItCleansUp() throws Exception {
    Requirements.requireExecutable("kubectl");
    start("--pods", "1");
    awaitOutput("Things to try meanwhile");
    String running = output();
    Path kubeconfig = Path.of(match(running, "export KUBECONFIG=(\\S+)"));
    List<String> runcExec =
        List.of(match(running, "(runc --root \\S+ exec demo-0-app) ls").split(" "));

    assertThat(kubectl(kubeconfig, "get", "cgi", "demo", "--no-headers").split("\\s+"))
        .startsWith("demo", "True", "1", "1", "0");
    assertThat(cgroupMountLines(runcExec))
        .allMatch(l -> l.contains(" - cgroup") && !l.contains(" / /sys"));

    // Deleting the CgroupIsolation makes the agent revert the container before the finalizer goes.
    assertThat(kubectl(kubeconfig, "delete", "-f", "manifests/samples/cgroupisolation-basic.yaml"))
        .contains("deleted");
    assertThat(cgroupMountLines(runcExec))
        .isNotEmpty()
        .allMatch(l -> l.contains(" / /sys/fs/cgroup"));

    sandbox.destroy();
    String output = awaitExit();

    assertThat(output)
        .contains("cleanup: delete CgroupIsolation demo")
        .contains("nothing left behind");
    assertNothingLeftBehind(output);
  }

  @Test
  void stoppingWhileContainersStartCleansUp() throws Exception {
    start("--once", "--pods", "4");
    awaitOutput("pod demo-0: runc container");

    sandbox.destroy();
    String output = awaitExit();

    assertThat(output).contains("stopping").contains("stopped, nothing left behind");
    assertThat(output).doesNotContain("cleanup FAILED");
    assertNothingLeftBehind(output);
  }

  private void start(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.cgroupns.sandbox.SandboxMain",
                "--repository",
                REPO.toString()));
    command.addAll(List.of(args));
    sandbox =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
  }

  private void awaitOutput(String text) throws IOException {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> output().contains(text) || !sandbox.isAlive());
    assertThat(output()).as("the sandbox exited early").contains(text);
  }

  private String awaitExit() throws Exception {
    boolean finished = sandbox.waitFor(5, TimeUnit.MINUTES);
    assertThat(finished).as("the sandbox did not finish:\n%s", output()).isTrue();
    return output();
  }

  private String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  private void assertNothingLeftBehind(String output) throws Exception {
    String cgroupName = "cgns-sandbox-" + Long.toHexString(sandbox.pid());
    MachineState after = MachineState.capture();
    assertThat(after.mountinfo()).isEqualTo(before.mountinfo());
    assertThat(after.runcContainers()).isEqualTo(before.runcContainers());
    assertThat(MachineState.cgroupDirectoriesNamed(cgroupName)).isEmpty();
    assertThat(MachineState.processesInCgroupsNamed(cgroupName)).isEmpty();
    Matcher workDir = Pattern.compile("kubeconfig written to (\\S+)/kubeconfig").matcher(output);
    assertThat(workDir.find()).as(output).isTrue();
    assertThat(Path.of(workDir.group(1))).doesNotExist();
  }

  private static String match(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("%s in:%n%s", regex, text).isTrue();
    return m.group(1);
  }

  private static String kubectl(Path kubeconfig, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/kubectl"));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("HOME", kubeconfig.getParent().toString());
    return run(pb);
  }

  /** The container's cgroup mount lines of its own /proc/self/mountinfo. */
  private static List<String> cgroupMountLines(List<String> runcExec) throws Exception {
    List<String> command = new ArrayList<>(runcExec);
    command.addAll(List.of("cat", "/proc/self/mountinfo"));
    return run(new ProcessBuilder(command).redirectErrorStream(true))
        .lines()
        .filter(l -> l.contains(" - cgroup"))
        .toList();
  }

  private static String run(ProcessBuilder pb) throws Exception {
    Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("%s:%n%s", pb.command(), out).isZero();
    return out;
  }

  private static String section(String output, String title) {
    int start = output.indexOf("--- " + title);
    assertThat(start).as("section %s in:\n%s", title, output).isNotNegative();
    int end = output.indexOf("\n--- ", start + 4);
    return output.substring(start, end < 0 ? output.length() : end);
  }

  private static int[] beforeAfterNumbers(String section) {
    Matcher m = Pattern.compile("before:\\s+(\\d+)\\s+after:\\s+(\\d+)").matcher(section);
    assertThat(m.find()).as(section).isTrue();
    return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
  }
}
