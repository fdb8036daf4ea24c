package dev.cgroupns.e2e.bench;

import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.node.BusyboxPodYaml;
import dev.cgroupns.testbed.node.RealNode;
import dev.cgroupns.testbed.node.TestNodes;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The exposure window on the real node: from a container process's start to the moment its memory
 * cgroupfs is read-only and rooted at its own cgroup, for 1 pod and for 30 pods started at once,
 * through each path of the agent; kubectl apply to Ready; and the agent pod's memory. Not a test
 * (the name keeps surefire from picking it up); run it as root with
 *
 * <pre>
 * e2e/bin/bench exposure [-Dbench.cases=1x10,30x2] \
 *     [-Dbench.paths=remount,at-creation,daemonset,daemonset-remount] \
 *     [-Dbench.pauseMicros=500] [-Dbench.agentClassList=node-agent/src/main/cds/node-agent.classlist]
 * </pre>
 *
 * (the launcher builds the images too; {@code CI=true mvn -q -B -pl e2e -am test
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtest=ExposureWindowBench} runs it as well, the
 * daemonset path once {@code mvn -Pimages -DskipTests package} has built them).
 *
 * <p>{@code bench.agentClassList}: the daemonset path (with NRI, so the plugin's classes are in it)
 * also restarts the agent pod with its JVM listing every class it loads, and writes that list, once
 * the pod has exited, to the file named: the image build's class-data archive is made from {@code
 * node-agent/src/main/cds/node-agent.classlist}.
 *
 * <p>The real node ({@link RealNode}: kubelet, containerd, runc) against the real control plane
 * with the project installed, and per path ({@link Agents}):
 *
 * <ul>
 *   <li><b>remount</b>: the operator and the agent in this JVM, the agent wired as {@code
 *       node-agent run} wires it, without NRI. It learns of a new container from the pod status and
 *       remounts its cgroupfs.
 *   <li><b>at-creation</b>: the same with the agent's NRI plugin on the node's socket; containerd
 *       asks it before creating each container, so the container's first instruction already runs
 *       in its own cgroup namespace with a read-only cgroupfs: the window is 0 by construction,
 *       measured the same way to show it.
 *   <li><b>daemonset</b>: the project as users deploy it ({@link
 *       dev.cgroupns.e2e.harness.LocalOverlay}: the operator's Deployment and the agent's DaemonSet
 *       pod under the kubelet), its NRI volume at the node's containerd socket directory, so the
 *       agent pod's plugin isolates at creation. After each round the agent container's memory is
 *       read from its cgroup ({@link CgroupMemory}).
 *   <li><b>daemonset-remount</b>: the same on a node whose runtime offers no NRI (the DaemonSet's
 *       NRI volume an empty directory): the agent pod remounts.
 * </ul>
 *
 * A CgroupIsolation selecting {@code app=bench} exists before the measured pods, and already
 * isolates one running pod of the node (so its node object is there, as in steady state). Each
 * round applies N privileged busybox pods with one kubectl apply (privileged: the runtime mounts
 * their cgroupfs read-write, the case isolation changes; unprivileged ones get it read-only
 * already), and measures each container by polling from the host ({@link ExposureWatch}):
 *
 * <ul>
 *   <li>start: the start time of the container's init (pid 1 of its pid namespace), from
 *       /proc/PID/stat field 22 in clock ticks: floored to 10 ms. That process is runc's init until
 *       it execs the container's command, so the runtime's own setup is inside the window, as in
 *       the first measurement;
 *   <li>whether it was ever seen running its own command exposed, and when it was first seen
 *       isolated ({@link ContainerState}). The exposure of a container never seen exposed is 0;
 *       "start to first sight isolated" is printed beside it, and so is the time from the first
 *       sight of its own command running to isolated (the window its own code had, to within a
 *       sweep of the poll).
 * </ul>
 *
 * Each container's first instruction prints /proc/self/cgroup: all ":/" means it saw its own cgroup
 * namespace from the start.
 */
class ExposureWindowBench {
  private static final Path MEMORY = Path.of("/sys/fs/cgroup/memory");
  private static final String BESTEFFORT = "/kubepods/besteffort";
  private static final long TIMEOUT_SECONDS = 180;
  private static final long TARGET_ONE_MS = 100;
  private static final long TARGET_THIRTY_MS = 250;

  /** A number of pods and how many rounds of it. */
  record Case(int pods, int rounds) {
    /** "1x10,30x2". */
    static List<Case> parse(String text) {
      return Arrays.stream(text.split(","))
          .map(String::trim)
          .map(
              c -> {
                String[] parts = c.split("x");
                if (parts.length != 2) {
                  throw new IllegalArgumentException(
                      "bench.cases: '" + c + "' is not PODSxROUNDS, e.g. 30x2");
                }
                return new Case(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
              })
          .toList();
    }
  }

  /** What one container showed. */
  record Measured(
      long exposureMs,
      long toIsolatedSightMs,
      long toRunningSightMs,
      long runningToIsolatedMs,
      boolean seenExposed,
      boolean firstReadOwn) {}

  @Test
  void processStartToIsolated() throws Exception {
    List<Case> cases = Case.parse(System.getProperty("bench.cases", "1x10,30x2"));
    List<String> paths =
        Arrays.stream(
                System.getProperty("bench.paths", "remount,at-creation,daemonset,daemonset-remount")
                    .split(","))
            .map(String::trim)
            .toList();
    long pauseMicros = Long.getLong("bench.pauseMicros", 500);
    List<String> summary = new ArrayList<>();
    RealNode node = TestNodes.start();
    try {
      LocalControlPlane plane = TestClusters.withProject();
      BootClock clock = BootClock.measure(300);
      System.out.printf(
          "clocks calibrated to +-%d us; start times floored to %d ms clock ticks (machine: %s)%n",
          TimeUnit.NANOSECONDS.toMicros(clock.uncertaintyNanos()),
          1000 / BootClock.TICKS_PER_SECOND,
          MachineLoad.describe());
      for (String path : paths) {
        summary.addAll(onePath(node, plane, path, cases, clock, pauseMicros));
      }
    } finally {
      node.close();
    }
    System.out.println(
        "--- process start to isolated (machine now: " + MachineLoad.describe() + ")");
    System.out.printf(
        "targets: p50 <= %d ms for 1 pod, p50 <= %d ms for 30 pods started at once;"
            + " start times have a resolution of 10 ms (clock ticks)%n",
        TARGET_ONE_MS, TARGET_THIRTY_MS);
    summary.forEach(System.out::println);
    System.out.println(
        "rerun (root): e2e/bin/bench exposure [-Dbench.cases=1x10,30x2]"
            + " [-Dbench.paths=remount,at-creation,daemonset,daemonset-remount]");
  }

  /** Where the daemonset path writes the agent's class list, if it is asked to. */
  private static Optional<Path> classList(String path) {
    return Optional.ofNullable(System.getProperty("bench.agentClassList"))
        .filter(file -> path.equals("daemonset"))
        .map(Path::of);
  }

  /** Runs the bench without JUnit (as root, from the repository root). */
  public static void main(String[] args) throws Exception {
    new ExposureWindowBench().processStartToIsolated();
  }

  private List<String> onePath(
      RealNode node,
      LocalControlPlane plane,
      String path,
      List<Case> cases,
      BootClock clock,
      long pauseMicros)
      throws Exception {
    KubernetesClient client = plane.adminClient();
    Kubectl kubectl = Kubectl.admin(plane);
    String namespace = plane.newNamespace("exposure-" + path);
    List<String> summary = new ArrayList<>();
    List<CgroupMemory> memory = new ArrayList<>();
    try (Agents agents = Agents.start(path, node, plane, classList(path));
        NamespaceCache cache = new NamespaceCache(client, namespace)) {
      ok(kubectl.runWithInput(isolationYaml(), "apply", "-n", namespace, "-f", "-"));
      ok(kubectl.runWithInput(pods("anchor", 1, node.name()), "apply", "-n", namespace, "-f", "-"));
      await("the anchor pod isolated", () -> allReady(cache, "anchor", 1) && isolated(cache) == 1);
      int isolatedBefore = 1;
      for (Case c : cases) {
        List<Measured> all = new ArrayList<>();
        List<Long> ready = new ArrayList<>();
        List<Long> statusIsolated = new ArrayList<>();
        List<Long> sweeps = new ArrayList<>();
        List<Long> watchShares = new ArrayList<>();
        for (int r = 0; r < c.rounds(); r++) {
          String round = "n" + c.pods() + "-r" + r;
          // The previous round's pods are gone from the status too: its count starts from here.
          await(round + ": the status back to the anchor", () -> isolated(cache) == isolatedBefore);
          Map<String, Long> times = new LinkedHashMap<>();
          List<Measured> measured;
          try (ExposureWatch watch =
              new ExposureWatch(
                  MEMORY,
                  BESTEFFORT,
                  Path.of("/proc"),
                  clock,
                  pauseMicros,
                  MountTableChanges.kernel(Path.of("/proc")))) {
            long applied = System.nanoTime();
            ok(
                kubectl.runWithInput(
                    pods(round, c.pods(), node.name()), "apply", "-n", namespace, "-f", "-"));
            int expected = isolatedBefore + c.pods();
            await(
                round + ": every pod Ready, isolated as seen from the host and in the status",
                () -> {
                  long now = System.nanoTime();
                  if (!times.containsKey("ready") && allReady(cache, round, c.pods())) {
                    times.put("ready", now);
                  }
                  if (!times.containsKey("status") && isolated(cache) >= expected) {
                    times.put("status", now);
                  }
                  return times.size() == 2 && allSeenIsolated(cache, round, watch.containers());
                });
            ready.add(TimeUnit.NANOSECONDS.toMillis(times.get("ready") - applied));
            statusIsolated.add(TimeUnit.NANOSECONDS.toMillis(times.get("status") - applied));
            measured = measure(cache, kubectl, namespace, round, watch.containers());
            sweeps.addAll(watch.sweepMicros());
            watch.close(); // its CPU time is known once its thread has ended
            watchShares.add(Math.round(watch.coreShare() * 100));
          }
          all.addAll(measured);
          agents
              .agentMemory()
              .ifPresent(
                  m -> {
                    memory.add(m);
                    System.out.printf(
                        "%s %s: the agent pod's container: %s%n", path, round, m.describe());
                  });
          System.out.printf(
              "%s %s: exposure %s; %d of %d seen exposed; all Ready %d ms, status all Isolated"
                  + " %d ms after kubectl apply (machine: %s)%n",
              path,
              round,
              Percentiles.of(measured.stream().map(Measured::exposureMs).toList())
                  .format("ms", "containers"),
              measured.stream().filter(Measured::seenExposed).count(),
              measured.size(),
              ready.get(ready.size() - 1),
              statusIsolated.get(statusIsolated.size() - 1),
              MachineLoad.describe());
          agents
              .agentWork()
              .ifPresent(w -> System.out.printf("%s %s: the agent so far: %s%n", path, round, w));
          ok(kubectl.run("delete", "pods", "-n", namespace, "-l", "round=" + round, "--wait=true"));
        }
        summary.add(describe(path, c, all, ready, statusIsolated, sweeps, watchShares));
        if (!memory.isEmpty()) {
          CgroupMemory last = memory.get(memory.size() - 1);
          summary.add(
              String.format(
                  "    agent DaemonSet pod after the last round, from its container's cgroup: %s"
                      + " [target <= 64 MiB]",
                  last.describe()));
        }
      }
      ok(kubectl.run("delete", "-n", namespace, "cgroupisolation/bench", "--wait=true"));
      ok(kubectl.run("delete", "namespace", namespace, "--wait=true"));
    }
    return summary;
  }

  private static String describe(
      String path,
      Case c,
      List<Measured> all,
      List<Long> ready,
      List<Long> statusIsolated,
      List<Long> sweeps,
      List<Long> watchShares) {
    long target = c.pods() == 1 ? TARGET_ONE_MS : c.pods() >= 30 ? TARGET_THIRTY_MS : -1;
    Percentiles exposure = Percentiles.of(all.stream().map(Measured::exposureMs).toList());
    return String.format(
        "%s, %d pod(s) at once x %d rounds: exposure %s%s%n"
            + "    seen exposed running its own command: %d of %d; first instruction read its own"
            + " cgroup namespace (\":/\"): %d of %d%n"
            + "    start to first sight isolated %s; start to first sight running its own"
            + " command %s; from that sight to isolated %s%n"
            + "    kubectl apply to all Ready: %s; to the status counting all Isolated: %s%n"
            + "    host watch: sweep %s; its thread's CPU, share of one core: %s",
        path,
        c.pods(),
        c.rounds(),
        exposure.format("ms", "containers"),
        target < 0
            ? ""
            : String.format(
                " [target p50 <= %d ms: %s]", target, exposure.p50() <= target ? "met" : "missed"),
        all.stream().filter(Measured::seenExposed).count(),
        all.size(),
        all.stream().filter(Measured::firstReadOwn).count(),
        all.size(),
        Percentiles.of(all.stream().map(Measured::toIsolatedSightMs).toList()).format("ms"),
        Percentiles.of(all.stream().map(Measured::toRunningSightMs).toList()).format("ms"),
        Percentiles.of(all.stream().map(Measured::runningToIsolatedMs).toList()).format("ms"),
        Distribution.of(ready).format("ms"),
        Distribution.of(statusIsolated).format("ms"),
        Percentiles.of(sweeps).format("us", "sweeps"),
        Distribution.of(watchShares).format("%"));
  }

  /** Joins what the watch saw with each pod's container ID and its first instruction's output. */
  private static List<Measured> measure(
      NamespaceCache cache,
      Kubectl kubectl,
      String namespace,
      String round,
      Map<String, ExposureWatch.Seen> seen) {
    List<Measured> out = new ArrayList<>();
    for (Pod pod : cache.roundPods(round)) {
      ExposureWatch.Seen s = seen.get(containerId(pod));
      Kubectl.Result logs = kubectl.run("logs", "-n=" + namespace, pod.getMetadata().getName());
      ok(logs);
      boolean own = !logs.out().isBlank() && logs.out().lines().allMatch(l -> l.endsWith(":/"));
      boolean exposed = s.firstExposedNanos != 0;
      long toIsolated = TimeUnit.NANOSECONDS.toMillis(s.isolatedNanos - s.startNanos);
      out.add(
          new Measured(
              exposed ? toIsolated : 0,
              toIsolated,
              TimeUnit.NANOSECONDS.toMillis(s.firstRunningNanos - s.startNanos),
              exposed ? TimeUnit.NANOSECONDS.toMillis(s.isolatedNanos - s.firstRunningNanos) : 0,
              exposed,
              own));
    }
    return out;
  }

  private static boolean allSeenIsolated(
      NamespaceCache cache, String round, Map<String, ExposureWatch.Seen> seen) {
    for (Pod pod : cache.roundPods(round)) {
      ExposureWatch.Seen s = seen.get(containerId(pod));
      if (s == null || s.isolatedNanos == 0) {
        if (s != null && s.vanished) {
          throw new IllegalStateException(
              pod.getMetadata().getName() + ": its container's process vanished before isolated");
        }
        return false;
      }
    }
    return true;
  }

  private static String containerId(Pod pod) {
    List<ContainerStatus> statuses =
        pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    String id = statuses == null || statuses.isEmpty() ? null : statuses.get(0).getContainerID();
    return id == null ? "" : id.replace("containerd://", "");
  }

  private static boolean allReady(NamespaceCache cache, String round, int n) {
    List<Pod> pods = cache.roundPods(round);
    return pods.size() == n
        && pods.stream()
            .allMatch(
                p ->
                    p.getStatus().getConditions() != null
                        && p.getStatus().getConditions().stream()
                            .anyMatch(
                                c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
  }

  private static int isolated(NamespaceCache cache) {
    return cache.isolated("bench");
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not within " + TIMEOUT_SECONDS + " s: " + what);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private static void ok(Kubectl.Result result) {
    if (!result.ok()) {
      throw new IllegalStateException(result.toString());
    }
  }

  private static String isolationYaml() {
    return """
        apiVersion: cgroupns.dev/v1alpha1
        kind: CgroupIsolation
        metadata:
          name: bench
        spec:
          podSelector:
            matchLabels:
              app: bench
        """;
  }

  /** {@code n} privileged pods of one round; each prints what its first instruction sees. */
  static String pods(String round, int n, String nodeName) {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < n; i++) {
      yaml.append(
          BusyboxPodYaml.render(
              n == 1 ? round : round + "-" + i,
              nodeName,
              Map.of("app", "bench", "round", round),
              List.of("/bin/sh", "-c", "cat /proc/self/cgroup; exec sleep 3600"),
              true,
              false));
    }
    return yaml.toString();
  }
}
