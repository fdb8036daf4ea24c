package dev.cgroupns.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cgroupns.agent.testing.Requirements;
import dev.cgroupns.sandbox.cluster.ControlPlaneBinaries;
import dev.cgroupns.sandbox.testing.MachineState;
import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.node.TestNodes;
import dev.cgroupns.testbed.precondition.Precondition;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's command as a separate process on the real machine, on its own real Kubernetes
 * control plane: with {@code --once} it must end Ready with the before/after views; while it runs,
 * kubectl must meet a real kube-apiserver; stopped by Ctrl-C (SIGINT to its process group, as a
 * terminal sends it) or SIGTERM, while running or while starting, it must clean up. Either way
 * nothing is left behind: no containers, cgroups, mounts, control-plane processes or directories.
 *
 * <p>Needs the Kubernetes binaries already built ({@code testbed/bin/kube-binaries}), so that no
 * test waits for a build; all but {@code --api-only} also need root, runc and busybox.
 */
class SandboxCommandTest {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private MachineState before;
  private Path log;
  private Process sandbox;

  @BeforeEach
  void requireKubernetesBinaries() throws IOException {
    Precondition.require(
        ControlPlaneBinaries.find(REPO).isPresent(),
        "needs the Kubernetes binaries built: testbed/bin/kube-binaries (about 10 minutes, once)");
    Precondition.require(Files.isExecutable(SETSID), "needs " + SETSID + " (util-linux)");
    log = Files.createTempFile("sandbox-command", ".log");
  }

  @AfterEach
  void removeLog() throws IOException {
    if (sandbox != null && sandbox.isAlive()) {
      // A test that failed while the sandbox ran: SIGTERM lets it clean up (its node included),
      // so that the next test starts from a clean machine; SIGKILL only if it does not finish.
      sandbox.destroy();
      try {
        if (!sandbox.waitFor(2, TimeUnit.MINUTES)) {
          sandbox.destroyForcibly();
        }
      } catch (InterruptedException e) {
        sandbox.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    Files.deleteIfExists(log);
  }

  @Test
  void onceEndsReadyOnARealControlPlaneShowsTheChangeAndLeavesNothingBehind() throws Exception {
    requireMachine();
    start("--once", "--pods", "2", "--pods-kind", "runc");
    String output = awaitExit();

    assertThat(sandbox.exitValue()).as(output).isZero();
    assertThat(output)
        .containsPattern("a real Kubernetes control plane on 127.0.0.1: kube-apiserver v\\d+\\.")
        .contains("installed manifests/base as on a cluster")
        .contains("demo pods: runc containers the sandbox starts itself (--pods-kind runc)")
        .contains(
            "operator running in-process as ServiceAccount"
                + " cgroup-isolation-system/cgroup-isolation-operator")
        .contains(
            "node agent running in-process for node local as ServiceAccount"
                + " cgroup-isolation-system/cgroup-isolation-node-agent")
        .contains("pod demo-0: runc container")
        .contains("pod demo-1: runc container")
        .containsPattern("status: Ready=True")
        .contains("=== what demo-0-app sees ===")
        .contains("done, nothing left behind");
    String mounts = section(output, "cgroup mounts (mount point, root, type, access)");
    String mountsBefore = mounts.substring(0, mounts.indexOf("  after:"));
    String mountsAfter = mounts.substring(mounts.indexOf("  after:"));
    assertThat(mountsBefore).containsPattern("/sys/fs/cgroup\\S*  root=/  cgroup2?  rw");
    assertThat(mountsAfter).doesNotContain("root=/  cgroup");
    assertThat(mountsAfter)
        .containsPattern("/sys/fs/cgroup\\S*  root=\\S*/kubepods/besteffort/pod\\S+  cgroup2?  ro");
    int[] reachable = beforeAfterNumbers(section(output, "cgroup directories it can reach"));
    assertThat(reachable[1]).isLessThan(reachable[0]);
    assertNothingLeftBehind(output);
  }

  @Test
  void kubeletPodsEndReadyAPodCreatedAfterwardsIsIsolatedAtCreationAndNothingIsLeft()
      throws Exception {
    requireNode();
    start("--once", "--pods", "2", "--pods-kind", "kubelet");
    String output = awaitExit();

    assertThat(sandbox.exitValue()).as(output).isZero();
    String node = match(output, "a real Kubernetes node (\\S+): kubelet and containerd");
    assertThat(output)
        .contains(
            "demo pods: real kubelet pods on a node of the sandbox's own (--pods-kind kubelet)")
        .containsPattern("Kubernetes node " + node + " Ready in \\d+ ms")
        .contains("node agent running in-process for node " + node + " as ServiceAccount")
        .contains("its NRI plugin on the node's containerd")
        .containsPattern(
            "pod demo-0: the kubelet runs container [0-9a-f]{12} in cgroup"
                + " /kubepods/besteffort/pod[0-9a-f-]+/[0-9a-f]{64}")
        .contains("pod demo-1: the kubelet runs container")
        .containsPattern("status: Ready=True")
        .contains("=== what demo-0 sees ===")
        .contains("done, nothing left behind");
    // What a privileged kubelet pod sees: its own cgroup, writable, then read-only.
    String mounts = section(output, "cgroup mounts (mount point, root, type, access)");
    String mountsBefore = mounts.substring(0, mounts.indexOf("  after:"));
    String mountsAfter = mounts.substring(mounts.indexOf("  after:"));
    assertThat(mountsBefore)
        .containsPattern("/sys/fs/cgroup\\S*  root=/kubepods/besteffort/pod\\S+  cgroup2?  rw");
    assertThat(mountsAfter)
        .containsPattern("/sys/fs/cgroup\\S*  root=/kubepods/besteffort/pod\\S+  cgroup2?  ro")
        .doesNotContainPattern("cgroup2?  rw");
    // The pod created after the isolation: a cgroup namespace of its own from its creation.
    String late = output.substring(output.indexOf("=== what demo-late sees ==="));
    assertThat(late).contains("every line \"/\": isolated at creation");
    List<String> cgroupLines =
        section(late, "/proc/self/cgroup").lines().skip(1).map(String::strip).toList();
    assertThat(cgroupLines).isNotEmpty().allMatch(l -> l.endsWith(":/"));
    assertThat(section(late, "cgroup mounts").lines().skip(1).map(String::strip).toList())
        .isNotEmpty()
        .allMatch(l -> l.matches("/sys/fs/cgroup\\S*  root=/  cgroup2?  ro"));
    assertNothingLeftBehind(output);
    assertNodeGone(output, node);
  }

  @Test
  void kubectlExecsIntoARealKubeletPodAndCtrlCCleansUp() throws Exception {
    requireNode();
    start("--pods", "1", "--pods-kind", "kubelet");
    awaitOutput("Things to try meanwhile");
    String running = output();
    KubectlSetup setup = KubectlSetup.printedIn(running);
    Kubectl kubectl = setup.kubectl();
    String node = match(running, "a real Kubernetes node (\\S+): kubelet and containerd");
    assertThat(running).contains("kubectl exec demo-0 -- ls /sys/fs/cgroup/memory");

    JsonNode version = JSON.readTree(ok(kubectl.run("version", "-o", "json")));
    assertThat(version.path("serverVersion").path("gitVersion").asText())
        .matches("v\\d+\\.\\d+\\.\\d+")
        .isEqualTo(version.path("clientVersion").path("gitVersion").asText());
    // demo-0, and demo-late, created after Ready.
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(ok(kubectl.run("get", "cgi", "demo", "--no-headers")).split("\\s+"))
                    .startsWith("demo", "True", "2", "2", "0"));
    assertThat(ok(kubectl.run("explain", "cgroupisolation.spec.mode")))
        .contains("Audit")
        .contains("Enforce");
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(ok(kubectl.run("describe", "cgroupisolation", "demo")))
                    .containsPattern("Events:\\s+Type\\s+Reason")
                    .contains("cgroup-isolation-operator"));
    assertThat(cgroupMountLines(kubectl)).isNotEmpty().allMatch(l -> l.contains(" ro,"));
    Kubectl.Result write =
        kubectl.run("exec", "demo-0", "--", "sh", "-c", "echo 1 > /sys/fs/cgroup/pids/pids.max");
    assertThat(write.exit()).as(write.toString()).isNotZero();
    assertThat(write.err()).contains("Read-only file system");

    // A watch streams: kubectl get -w prints the deletion as it happens.
    Path watched = Files.createTempFile("kubectl-watch", ".out");
    Process watch =
        new ProcessBuilder(
                setup.binary().toString(),
                "--kubeconfig=" + setup.kubeconfig(),
                "get",
                "cgi",
                "-w",
                "--output-watch-events")
            .redirectErrorStream(true)
            .redirectOutput(watched.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    try {
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> Files.readString(watched).contains("ADDED"));
      // Deleting the CgroupIsolation makes the agent revert the container before the finalizer
      // goes.
      assertThat(ok(kubectl.run("delete", "-f", REPO.resolve(SAMPLE).toString(), "--timeout=120s")))
          .contains("deleted");
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> Files.readString(watched).contains("DELETED"));
    } finally {
      watch.destroy();
      watch.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(watched);
    }
    // Reverted: what the kubelet gave the privileged container, writable again.
    assertThat(cgroupMountLines(kubectl)).isNotEmpty().allMatch(l -> l.contains(" rw,"));

    ctrlC();
    String output = awaitExit();

    assertThat(output)
        .contains("cleanup: delete CgroupIsolation demo")
        .contains("cleanup: stop the Kubernetes node " + node)
        .contains("nothing left behind")
        .doesNotContain("cleanup FAILED");
    assertNothingLeftBehind(output);
    assertNodeGone(output, node);
  }

  /** SIGTERM while the demo pods start, of either kind: the sandbox stops and cleans up. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "kubelet, 3, pod demo-0: the kubelet runs container",
    "runc, 4, pod demo-0: runc container"
  })
  void stoppingWhilePodsStartCleansUp(String kind, String pods, String firstPod) throws Exception {
    boolean kubelet = kind.equals("kubelet");
    if (kubelet) {
      requireNode();
    } else {
      requireMachine();
    }
    start("--once", "--pods", pods, "--pods-kind", kind);
    awaitOutput(firstPod);

    sandbox.destroy();
    String output = awaitExit();

    assertThat(output).contains("stopping").contains("stopped, nothing left behind");
    assertThat(output).doesNotContain("cleanup FAILED");
    assertNothingLeftBehind(output);
    if (kubelet) {
      assertNodeGone(
          output, match(output, "a real Kubernetes node (\\S+): kubelet and containerd"));
    }
  }

  @Test
  void apiOnlyServesTheProjectsApiOnARealServerWithoutRoot() throws Exception {
    String mountsBefore = Files.readString(MOUNTINFO);
    start("--api-only");
    awaitOutput("Things to try meanwhile");
    Kubectl kubectl = KubectlSetup.printedIn(output()).kubectl();

    assertThat(ok(kubectl.run("get", "crd", "cgroupisolations.cgroupns.dev", "-o", "name")))
        .contains("cgroupisolations.cgroupns.dev");
    assertThat(ok(kubectl.run("apply", "--dry-run=server", "-f", REPO.resolve(SAMPLE).toString())))
        .contains("created (server dry run)");
    Kubectl.Result refused =
        kubectl.runWithInput(
            """
            apiVersion: cgroupns.dev/v1alpha1
            kind: CgroupIsolation
            metadata: {name: bad, namespace: default}
            spec: {mode: Sometimes, podSelector: {}}
            """,
            "apply",
            "--dry-run=server",
            "-f",
            "-");
    assertThat(refused.exit()).as(refused.toString()).isNotZero();
    assertThat(refused.err()).contains("spec.mode: Unsupported value: \"Sometimes\"");
    // The manifests' RBAC is there: the agent may read, not write, CgroupIsolations.
    assertThat(
            kubectl
                .run(
                    "auth",
                    "can-i",
                    "delete",
                    "cgroupisolations",
                    "-A",
                    "--as=system:serviceaccount:cgroup-isolation-system:cgroup-isolation-node-agent")
                .out())
        .startsWith("no");

    sandbox.destroy();
    String output = awaitExit();

    assertThat(output).contains("stopped, nothing left behind").doesNotContain("cleanup FAILED");
    assertControlPlaneGone(output);
    assertThat(Files.readString(MOUNTINFO)).isEqualTo(mountsBefore);
  }

  private static final Path SAMPLE = Path.of("manifests/samples/cgroupisolation-basic.yaml");

  /** What a real node needs too: the CNI plugins, gcc, the node's binaries. */
  private void requireNode() throws Exception {
    requireMachine();
    TestNodes.requireMachine();
  }

  private void requireMachine() throws Exception {
    Requirements.requireRoot();
    Requirements.requireRunc();
    Requirements.requireBusybox();
    before = MachineState.capture();
  }

  /**
   * Starts the command in a session of its own, so that {@link #ctrlC} can signal its process group
   * as a terminal does (util-linux's setsid execs in place: the process is the sandbox's JVM).
   */
  private void start(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                SETSID.toString(),
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

  /** SIGINT to the sandbox's whole process group, as Ctrl-C in its terminal. */
  private void ctrlC() throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-INT", "--", "-" + sandbox.pid())
            .redirectErrorStream(true)
            .start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  /** kubectl of the server's version and the admin kubeconfig, as the sandbox printed them. */
  private record KubectlSetup(Path binary, Path kubeconfig) {

    static KubectlSetup printedIn(String output) {
      Path binaries = Path.of(match(output, "export PATH=(\\S+):\\$PATH"));
      return new KubectlSetup(
          binaries.resolve("kubectl"), Path.of(match(output, "export KUBECONFIG=(\\S+)")));
    }

    Kubectl kubectl() {
      return new Kubectl(binary, kubeconfig);
    }
  }

  private static String ok(Kubectl.Result result) {
    assertThat(result.ok()).as(result.toString()).isTrue();
    return result.out();
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
    assertThat(Path.of(match(output, "cleanup: remove work directory (\\S+)"))).doesNotExist();
    assertControlPlaneGone(output);
  }

  /**
   * The node's directory is gone with every process that ran from it, and so are the kubelet's
   * cgroups and the hosts line of its name.
   */
  private static void assertNodeGone(String output, String node) throws IOException {
    String dir = match(output, "Kubernetes node " + node + " Ready in \\d+ ms \\(.*; (\\S+)\\)");
    assertThat(Path.of(dir)).doesNotExist();
    assertThat(MachineState.processesMentioning(dir)).isEmpty();
    assertThat(MachineState.cgroupDirectoriesNamed("kubepods")).isEmpty();
    assertThat(Files.readString(Path.of("/etc/hosts"))).doesNotContain(node);
  }

  /** The control plane's run directory is gone, and no process runs from it any more. */
  private static void assertControlPlaneGone(String output) throws IOException {
    String runDir = match(output, "Kubernetes control plane ready at \\S+ in \\d+ ms \\((\\S+)\\)");
    assertThat(Path.of(runDir)).doesNotExist();
    assertThat(MachineState.processesMentioning(runDir)).isEmpty();
  }

  private static String match(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("%s in:%n%s", regex, text).isTrue();
    return m.group(1);
  }

  /** The cgroup mount lines of demo-0's own /proc/self/mountinfo, through kubectl exec. */
  private static List<String> cgroupMountLines(Kubectl kubectl) {
    return ok(kubectl.run("exec", "demo-0", "--", "cat", "/proc/self/mountinfo"))
        .lines()
        .filter(l -> l.contains(" - cgroup"))
        .toList();
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
