package dev.cgroupns.e2e.bench;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationSpec;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.LabelSelectorOperator;
import dev.cgroupns.api.v1alpha1.LabelSelectorRequirement;
import dev.cgroupns.api.v1alpha1.PodSelector;
import dev.cgroupns.e2e.harness.E2eCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Time from a CgroupIsolation's creation to Ready, for 1, 100 and 1,000 containers. Not a test (the
 * name keeps surefire from picking it up); run it as root with {@code e2e/bin/bench ready} or
 *
 * <pre>
 * mvn -q -B -pl e2e -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=ReadyLatencyBench \
 *     [-Dbench.containers=1,100,1000] [-Dbench.rounds=5] [-Dbench.warmup=1] \
 *     [-Dbench.realContainers=100]
 * </pre>
 *
 * The whole system of the end-to-end tests ({@link E2eCluster}): the embedded API endpoint, the
 * operator and one real node agent in this JVM as production configures them, and real runc
 * containers (which see the host's cgroupfs, so the agent really isolates them) as pods on the
 * agent's node. Up to {@code realContainers} targets are real; the rest are pods on simulated nodes
 * of 100 pods each, answered by {@link SimulatedAgents}. Each round creates a CgroupIsolation
 * selecting the first N pods, waits for Ready (status for the current generation), deletes it and
 * waits until it and its node objects are gone (the agents have reverted). A warm-up round per case
 * is not counted.
 *
 * <p>Each round prints where the time went, from watch events: the operator's first node object,
 * the real node's agent reporting all its containers Isolated, every node done, Ready; and the API
 * writes it caused ({@link ApiWriteCounter}), per isolated container.
 */
class ReadyLatencyBench {
  private static final String GROUP_LABEL = "bench-group";
  private static final long TIMEOUT_SECONDS = 180;

  @Test
  void creationToReady() throws Exception {
    List<Integer> sizes =
        Arrays.stream(System.getProperty("bench.containers", "1,100,1000").split(","))
            .map(String::trim)
            .map(Integer::valueOf)
            .sorted()
            .toList();
    int rounds = Integer.getInteger("bench.rounds", 5);
    int warmup = Integer.getInteger("bench.warmup", 1);
    int perSimulatedNode = Integer.getInteger("bench.podsPerSimulatedNode", 100);
    int largest = sizes.get(sizes.size() - 1);
    int real = Math.min(Integer.getInteger("bench.realContainers", 100), largest);
    int simulated = largest - real;
    if (simulated % perSimulatedNode != 0) {
      throw new IllegalArgumentException(
          "the simulated pods ("
              + simulated
              + ") must fill whole simulated nodes of "
              + perSimulatedNode);
    }
    List<String> simulatedNodes = SimulatedNodes.names("sim", simulated / perSimulatedNode);

    try (E2eCluster cluster = E2eCluster.start()) {
      KubernetesClient client = cluster.client();
      ApiWriteCounter writes =
          new ApiWriteCounter(
              cluster.controlPlane().auditLog(),
              e ->
                  e.namespace().equals(cluster.namespace())
                      && !(e.resource().equals("cgroupisolations")
                          && e.subresource().isEmpty()
                          && (e.verb().equals("create") || e.verb().equals("delete"))
                          && e.user().equals(cluster.adminUser())));
      long setup = System.nanoTime();
      for (int i = 0; i < real; i++) {
        cluster.startPod("bench-" + i, Map.of(GROUP_LABEL, group(i, sizes)));
      }
      SimulatedNodes.create(
          client,
          simulatedNodes,
          cluster.namespace(),
          perSimulatedNode,
          k -> Map.of(GROUP_LABEL, group(real + k, sizes)),
          "app");
      System.out.printf(
          "%d runc containers on %s and %d pods on %d simulated nodes ready in %d s (machine: %s)%n",
          real,
          E2eCluster.NODE,
          simulated,
          simulatedNodes.size(),
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - setup),
          MachineLoad.describe());

      Rounds current = new Rounds();
      try (SimulatedAgents agents =
              SimulatedAgents.start(client, simulatedNodes, ContainerPhase.Isolated, 4);
          SharedIndexInformer<CgroupIsolationNode> nodeObjects =
              client
                  .resources(CgroupIsolationNode.class)
                  .inNamespace(cluster.namespace())
                  .inform(handler(o -> current.get().nodeObject(o)));
          SharedIndexInformer<CgroupIsolation> isolations =
              client
                  .resources(CgroupIsolation.class)
                  .inNamespace(cluster.namespace())
                  .inform(handler(o -> current.get().isolation(o)))) {
        List<String> summary = new ArrayList<>();
        for (int size : sizes) {
          Map<String, Integer> expected =
              expectedPerNode(size, real, perSimulatedNode, simulatedNodes);
          Case result = new Case(size);
          for (int r = -warmup; r < rounds; r++) {
            String name = "bench-" + size + "-" + (r < 0 ? "warmup" + (-r) : Integer.toString(r));
            RoundTimeline timeline = new RoundTimeline(name, expected, E2eCluster.NODE);
            current.set(timeline);
            ApiWriteCounter.Counts before = writes.snapshot();
            CgroupIsolation isolation =
                client.resource(selecting(cluster.namespace(), name, size, sizes)).create();
            if (!timeline.awaitReady(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
              throw new IllegalStateException(
                  name
                      + " not Ready within "
                      + TIMEOUT_SECONDS
                      + " s: "
                      + client.resource(isolation).get().getStatus().conditions);
            }
            ApiWriteCounter.Counts toReady = writes.snapshot().minus(before);
            long deleting = System.nanoTime();
            client.resource(isolation).delete();
            awaitGone(cluster.namespace(), name, isolations, nodeObjects);
            long cleanup = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deleting);
            ApiWriteCounter.Counts round = writes.snapshot().minus(before);
            System.out.printf(
                "%s: Ready in %d ms (first node object %d ms, real node all Isolated %s,"
                    + " all nodes %d ms); deleted and reverted in %d ms; to Ready %s; whole round"
                    + " %d writes%n",
                name,
                timeline.ready(),
                timeline.firstNodeObject(),
                real > 0 ? timeline.realNodeDone() + " ms" : "-",
                timeline.allNodesDone(),
                cleanup,
                toReady.describe(),
                round.total());
            if (r >= 0) {
              result.add(timeline, cleanup, toReady.total(), round.total());
            }
          }
          summary.add(result.describe(expected.getOrDefault(E2eCluster.NODE, 0)));
        }
        System.out.println("--- creation to Ready (machine now: " + MachineLoad.describe() + ")");
        summary.forEach(System.out::println);
        System.out.println(
            "rerun (root): e2e/bin/bench ready [-Dbench.containers=1,100,1000]"
                + " [-Dbench.rounds=5]");
      }
    }
  }

  /** Runs the bench without JUnit (as root, from the e2e directory or the repository root). */
  public static void main(String[] args) throws Exception {
    new ReadyLatencyBench().creationToReady();
  }

  /**
   * The group label of the pod with this index (real pods first): the smallest case it is part of.
   * A case selects its own group and every smaller one.
   */
  static String group(int index, List<Integer> sizes) {
    for (int size : sizes) {
      if (index < size) {
        return "upto-" + size;
      }
    }
    throw new IllegalArgumentException("pod " + index + " is in no case");
  }

  /** Containers per node in the case of {@code size}: real pods first, then node by node. */
  static Map<String, Integer> expectedPerNode(
      int size, int real, int perSimulatedNode, List<String> simulatedNodes) {
    Map<String, Integer> expected = new LinkedHashMap<>();
    if (real > 0) {
      expected.put(E2eCluster.NODE, Math.min(size, real));
    }
    int left = size - Math.min(size, real);
    for (String node : simulatedNodes) {
      if (left <= 0) {
        break;
      }
      expected.put(node, Math.min(left, perSimulatedNode));
      left -= perSimulatedNode;
    }
    return expected;
  }

  private static CgroupIsolation selecting(
      String namespace, String name, int size, List<Integer> sizes) {
    CgroupIsolation isolation = new CgroupIsolation();
    isolation.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    List<String> groups = sizes.stream().filter(s -> s <= size).map(s -> "upto-" + s).toList();
    CgroupIsolationSpec spec = new CgroupIsolationSpec();
    spec.podSelector =
        new PodSelector(
            null,
            List.of(new LabelSelectorRequirement(GROUP_LABEL, LabelSelectorOperator.In, groups)));
    isolation.setSpec(spec);
    return isolation;
  }

  /** Waits (on the informers' caches, not the API) until the isolation and its objects are gone. */
  private static void awaitGone(
      String namespace,
      String name,
      SharedIndexInformer<CgroupIsolation> isolations,
      SharedIndexInformer<CgroupIsolationNode> nodeObjects)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (isolations.getStore().getByKey(namespace + "/" + name) != null
        || nodeObjects.getStore().list().stream()
            .anyMatch(
                o -> name.equals(o.getMetadata().getLabels().get(ApiGroup.ISOLATION_LABEL)))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " not gone within " + TIMEOUT_SECONDS + " s");
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> onChange) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        onChange.accept(object);
      }

      @Override
      public void onUpdate(T before, T after) {
        onChange.accept(after);
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {}
    };
  }

  /** The round being measured; events between rounds go to a timeline nobody reads. */
  private static final class Rounds {
    private volatile RoundTimeline timeline = new RoundTimeline("", Map.of(), "");

    RoundTimeline get() {
      return timeline;
    }

    void set(RoundTimeline next) {
      timeline = next;
    }
  }

  /** The counted rounds of one case. */
  private static final class Case {
    private final int size;
    private final List<Long> ready = new ArrayList<>();
    private final List<Long> firstNodeObject = new ArrayList<>();
    private final List<Long> realNode = new ArrayList<>();
    private final List<Long> cleanup = new ArrayList<>();
    private final List<Long> writesToReady = new ArrayList<>();
    private final List<Long> writesPerRound = new ArrayList<>();

    Case(int size) {
      this.size = size;
    }

    void add(RoundTimeline t, long cleanupMs, int toReady, int whole) {
      ready.add(t.ready());
      firstNodeObject.add(t.firstNodeObject());
      realNode.add(t.realNodeDone());
      cleanup.add(cleanupMs);
      writesToReady.add((long) toReady);
      writesPerRound.add((long) whole);
    }

    String describe(int realContainers) {
      Distribution toReady = Distribution.of(writesToReady);
      Distribution whole = Distribution.of(writesPerRound);
      return String.format(
          "%d containers (%d real on one node): creation to Ready %s%n"
              + "    first node object written: median %d ms; real node all Isolated: median %s%n"
              + "    delete to gone (reverted): %s%n"
              + "    API writes to Ready: median %d (%.2f per container); whole round incl."
              + " revert and delete: median %d (%.2f per container)",
          size,
          realContainers,
          Distribution.of(ready).format("ms"),
          Distribution.of(firstNodeObject).median(),
          realContainers > 0 ? Distribution.of(realNode).median() + " ms" : "-",
          Distribution.of(cleanup).format("ms"),
          toReady.median(),
          toReady.median() / (double) size,
          whole.median(),
          whole.median() / (double) size);
    }
  }
}
