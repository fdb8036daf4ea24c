package dev.cgroupns.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.e2e.harness.OperatorDeployment;
import dev.cgroupns.e2e.harness.OperatorProcess;
import dev.cgroupns.operator.testing.Fixtures;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.PodIdentities;
import dev.cgroupns.testbed.cluster.TestClusters;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Resident memory of the operator process with 10,000 targeted pods. Not a test (the name keeps
 * surefire from picking it up); run it with {@code e2e/bin/bench memory} or
 *
 * <pre>
 * mvn -q -B -pl e2e -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=OperatorMemoryBench \
 *     [-Dbench.nodes=100] [-Dbench.podsPerNode=100] [-Dbench.isolations=1] \
 *     [-Dbench.sampleSeconds=30] [-Dbench.nmt=true] [-Dbench.jvmFlags="-XX:MaxRAMPercentage=40"]
 * </pre>
 *
 * The API is a real control plane (etcd and kube-apiserver, with the project's manifests installed)
 * holding {@code nodes × podsPerNode} running pods of two containers each, on simulated nodes
 * answered by {@link SimulatedAgents}; {@code isolations} CgroupIsolations select them all between
 * them. The operator runs as a child JVM exactly as its Deployment configures it ({@link
 * OperatorProcess}), with its own service account's token and leader election on. Once every
 * CgroupIsolation is Ready, the child's resident memory is sampled every second; then jcmd reports
 * the heap, the native memory by category (with -Dbench.nmt=true) and the largest classes on the
 * heap, which show what dominates.
 */
class OperatorMemoryBench {
  @Test
  void residentMemoryWithTenThousandTargetedPods() throws Exception {
    int nodeCount = Integer.getInteger("bench.nodes", 100);
    int podsPerNode = Integer.getInteger("bench.podsPerNode", 100);
    int isolationCount = Integer.getInteger("bench.isolations", 1);
    int sampleSeconds = Integer.getInteger("bench.sampleSeconds", 30);
    boolean nmt = Boolean.getBoolean("bench.nmt");
    int pods = nodeCount * podsPerNode;
    OperatorDeployment deployment = OperatorDeployment.read();

    System.out.printf(
        "operator memory bench: %d pods on %d simulated nodes, %d CgroupIsolation(s)%n",
        pods, nodeCount, isolationCount);
    LocalControlPlane api = TestClusters.withProject();
    KubernetesClient client = api.adminClient();
    String namespace = api.newNamespace("bench");
    {
      List<String> nodes = SimulatedNodes.names("sim", nodeCount);
      long setup = System.nanoTime();
      SimulatedNodes.create(
          client,
          nodes,
          namespace,
          podsPerNode,
          i -> Map.of("app", "bench", "shard", Integer.toString(i % isolationCount)),
          "app",
          "sidecar");
      System.out.printf(
          "created %d nodes and %d pods in %d s%n",
          nodeCount, pods, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - setup));

      Path log = Path.of(System.getProperty("java.io.tmpdir"), "operator-memory-bench.log");
      List<String> extraFlags = new ArrayList<>();
      if (nmt) {
        extraFlags.add("-XX:NativeMemoryTracking=summary");
      }
      // To try other settings: command-line flags override JAVA_TOOL_OPTIONS.
      String jvmFlags = System.getProperty("bench.jvmFlags", "").trim();
      if (!jvmFlags.isEmpty()) {
        extraFlags.addAll(List.of(jvmFlags.split("\\s+")));
      }
      try (SimulatedAgents agents =
              SimulatedAgents.start(client, nodes, ContainerPhase.Isolated, 4);
          OperatorProcess operator =
              OperatorProcess.start(
                  deployment,
                  PodIdentities.operator(api, "cgroup-isolation-operator-bench"),
                  Map.of(),
                  operatorClasspath(),
                  extraFlags,
                  log)) {
        await()
            .pollInterval(Duration.ofMillis(200))
            .atMost(Duration.ofMinutes(5))
            .failFast("the operator exited; see " + log, () -> !operator.isAlive())
            .until(operator::ready);
        long start = System.nanoTime();
        List<CgroupIsolation> isolations = new ArrayList<>();
        for (int k = 0; k < isolationCount; k++) {
          isolations.add(
              client
                  .resource(
                      Fixtures.isolation(
                          namespace,
                          "bench-" + k,
                          Map.of("app", "bench", "shard", Integer.toString(k))))
                  .create());
        }
        awaitReady(client, isolations, operator, start);
        long ready = System.nanoTime();
        int isolated =
            isolations.stream().mapToInt(i -> client.resource(i).get().getStatus().isolated).sum();
        assertThat(isolated).isEqualTo(pods * 2);

        long lastRss = 0;
        long maxRss = 0;
        ProcessMemory last = null;
        for (int s = 0; s < sampleSeconds; s++) {
          TimeUnit.SECONDS.sleep(1);
          last = ProcessMemory.of(operator.pid());
          lastRss = last.rssKib();
          maxRss = Math.max(maxRss, lastRss);
        }
        Jcmd jcmd = new Jcmd(operator.pid());
        System.out.println("--- jcmd GC.heap_info");
        System.out.print(jcmd.run("GC.heap_info"));
        if (nmt) {
          System.out.println("--- jcmd VM.native_memory summary");
          System.out.print(jcmd.run("VM.native_memory", "summary"));
        }
        // Last: the histogram runs a full GC first, which shows the live data apart from the
        // heap's headroom.
        System.out.println("--- jcmd GC.class_histogram (top 20, after a full GC)");
        System.out.print(Jcmd.headAndLast(jcmd.run("GC.class_histogram"), 23));
        System.out.println("--- jcmd GC.heap_info (after that full GC)");
        System.out.print(jcmd.run("GC.heap_info"));
        ProcessMemory afterFullGc = ProcessMemory.of(operator.pid());
        System.out.printf(
            "operator (child JVM, %s %s%s), %d pods × 2 containers on %d simulated nodes,"
                + " %d CgroupIsolation(s), Ready after %d s (machine: %s):%n"
                + "  RSS after %d s %.1f MiB (anon %.1f, file %.1f), max sampled %.1f MiB,"
                + " peak (VmHWM) %.1f MiB; RSS after a full GC %.1f MiB%n",
            deployment.javaToolOptions(),
            deployment.maxRamFlag(),
            extraFlags.isEmpty() ? "" : " " + String.join(" ", extraFlags),
            pods,
            nodeCount,
            isolationCount,
            TimeUnit.NANOSECONDS.toSeconds(ready - start),
            MachineLoad.describe(),
            sampleSeconds,
            ProcessMemory.mib(lastRss),
            ProcessMemory.mib(last.anonKib()),
            ProcessMemory.mib(last.fileKib()),
            ProcessMemory.mib(maxRss),
            ProcessMemory.mib(afterFullGc.hwmKib()),
            ProcessMemory.mib(afterFullGc.rssKib()));
        System.out.println(
            "rerun: e2e/bin/bench memory [-Dbench.nmt=true]; the operator's log is " + log);
        assertThat(operator.isAlive()).isTrue();
      }
    }
  }

  /** Waits for every CgroupIsolation to be Ready, printing progress every 10 s. */
  private static void awaitReady(
      KubernetesClient client,
      List<CgroupIsolation> isolations,
      OperatorProcess operator,
      long start)
      throws InterruptedException {
    long deadline = start + TimeUnit.MINUTES.toNanos(15);
    long nextReport = start + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<CgroupIsolation> now = isolations.stream().map(i -> client.resource(i).get()).toList();
      if (now.stream().allMatch(Readiness::ready)) {
        return;
      }
      if (!operator.isAlive()) {
        throw new IllegalStateException("the operator exited; see " + operator.log());
      }
      long t = System.nanoTime();
      if (t > deadline) {
        throw new IllegalStateException("not Ready within 15 minutes");
      }
      if (t > nextReport) {
        nextReport += TimeUnit.SECONDS.toNanos(10);
        int isolated = 0;
        int pending = 0;
        for (CgroupIsolation i : now) {
          if (i.getStatus() != null) {
            isolated += i.getStatus().isolated == null ? 0 : i.getStatus().isolated;
            pending += i.getStatus().pending == null ? 0 : i.getStatus().pending;
          }
        }
        System.out.printf(
            "  %d s: %d containers isolated, %d pending%n",
            TimeUnit.NANOSECONDS.toSeconds(t - start), isolated, pending);
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }

  /** Runs the bench without JUnit (from the e2e directory or the repository root). */
  public static void main(String[] args) throws Exception {
    new OperatorMemoryBench().residentMemoryWithTenThousandTargetedPods();
  }

  /**
   * The operator's runtime classpath if the launcher computed it, else this JVM's (a superset: the
   * child loads only the classes the operator uses).
   */
  private static String operatorClasspath() {
    return System.getProperty("bench.operatorClasspath", System.getProperty("java.class.path"));
  }
}
