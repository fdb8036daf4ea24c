package dev.cgroupns.agent.daemon;

import static dev.cgroupns.agent.daemon.TestObjects.NODE;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.agent.daemon.engine.KernelContainerEngine;
import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.testbed.runc.ContainerSpec;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Time from a CgroupIsolationNode's creation to a status with every container isolated, for one
 * node with real runc containers that see the host's cgroupfs, through the daemon with the real
 * engine and the production batch delay (100 ms), against the CRUD mock API server. Not a test (the
 * name keeps surefire from picking it up); run it as root:
 *
 * <pre>
 * mvn -q -B -pl node-agent -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=AgentLatencyBench \
 *     [-Dbench.containers=100] [-Dbench.rounds=5]
 * </pre>
 *
 * Each round creates the object, waits for every container to be Isolated, then switches it to
 * Revert, waits for every container to be Reverted, and deletes it. Prints every round and the
 * medians, and the API writes (status patches and Events) per container change. The operator's part
 * (resolving targets, writing the object) is not included.
 */
class AgentLatencyBench {
  @Test
  void creationToIsolatedOnOneNode() throws Exception {
    // On a node /run is tmpfs; so is /dev/shm here (revert records are fsynced).
    Path stateDir = Files.createTempDirectory(Path.of("/dev/shm"), "agent-latency-bench");
    int count = Integer.getInteger("bench.containers", 100);
    int rounds = Integer.getInteger("bench.rounds", 5);
    try (RuncFixture runc = RuncFixture.create();
        DaemonFixture fx =
            new DaemonFixture(
                    KernelContainerEngine.create(
                        Path.of("/proc"),
                        Path.of("/sys/fs/cgroup"),
                        stateDir,
                        (int) ProcessHandle.current().pid()))
                .withProductionBatchDelay()) {
      List<Pod> pods = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        pods.add(
            TestObjects.createRunningPod(
                    fx.api.client(),
                    "team",
                    "pod-" + i,
                    NODE,
                    uid -> runc.start(ContainerSpec.plain().withHostCgroupfs(), uid))
                .pod());
      }
      fx.start();
      List<Long> apply = new ArrayList<>();
      List<Long> revert = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        CgroupIsolationNode wanted =
            TestObjects.nodeObject("team", "bench-" + round, NODE, pods.toArray(Pod[]::new));
        long start = System.nanoTime();
        CgroupIsolationNode object = fx.create(wanted);
        awaitQuickly(fx, object, true, count);
        long applied = System.nanoTime();
        fx.editSpec(object, spec -> spec.action = NodeAction.Revert);
        awaitQuickly(fx, object, false, count);
        long reverted = System.nanoTime();
        apply.add((applied - start) / 1_000_000);
        revert.add((reverted - applied) / 1_000_000);
        System.out.printf(
            "round %d: %d containers isolated in %d ms, reverted in %d ms%n",
            round, count, apply.get(round), revert.get(round));
        fx.api.client().resource(fx.get(object)).delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> fx.get(object) == null);
      }
      System.out.printf(
          "median over %d rounds, %d containers on one node: creation to all Isolated %d ms,"
              + " Revert to all Reverted %d ms%n",
          rounds, count, median(apply), median(revert));
      // Writes are counted, every status patch and Event create alike (the scale budget).
      int changes = 2 * rounds * count;
      System.out.printf(
          "API writes: %d status patches + %d Events for %d isolations and %d reverts:"
              + " %.2f writes per container change%n",
          fx.api.statusPatches(),
          fx.api.eventWrites(),
          rounds * count,
          rounds * count,
          (fx.api.statusPatches() + fx.api.eventWrites()) / (double) changes);
    } finally {
      try (var files = Files.walk(stateDir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Polls every 5 ms, so the figure is not rounded up to a coarse poll interval. */
  private static void awaitQuickly(
      DaemonFixture fx, CgroupIsolationNode object, boolean isolated, int count) {
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .atMost(Duration.ofSeconds(60))
        .until(() -> fx.get(object), o -> o != null && done(o, isolated, count));
  }

  /** The status answers the current generation with every container isolated (or reverted). */
  private static boolean done(CgroupIsolationNode o, boolean isolated, int count) {
    if (o.getStatus() == null
        || o.getStatus().summary == null
        || !o.getMetadata().getGeneration().equals(o.getStatus().observedGeneration)) {
      return false;
    }
    Integer counted = isolated ? o.getStatus().summary.isolated : o.getStatus().summary.reverted;
    return counted != null && counted == count;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
