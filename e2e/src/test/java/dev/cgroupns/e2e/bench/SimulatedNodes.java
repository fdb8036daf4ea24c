package dev.cgroupns.e2e.bench;

import dev.cgroupns.operator.testing.Fixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Nodes with no machine behind them: a Node object each and running pods bound to it, for the
 * {@link SimulatedAgents} to answer for. Pods are named {@code <node>-pod-<i>}.
 */
public final class SimulatedNodes {
  private static final int CREATE_THREADS = 4;

  private SimulatedNodes() {}

  /** Names node-prefix-000 .. in order. */
  public static List<String> names(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> String.format("%s-%03d", prefix, i)).toList();
  }

  /**
   * Registers the nodes, then creates {@code podsPerNode} pods on each (in parallel: 10,000 pods
   * one by one take long enough to matter on a shared machine).
   *
   * @param labels of the k-th pod created (0-based, counted across nodes in order)
   * @param containers container names of every pod
   */
  public static List<Pod> create(
      KubernetesClient client,
      List<String> nodes,
      String namespace,
      int podsPerNode,
      IntFunction<Map<String, String>> labels,
      String... containers)
      throws Exception {
    for (String node : nodes) {
      client.resource(Fixtures.node(node)).createOr(NonDeletingOperation::update);
    }
    ExecutorService pool = Executors.newFixedThreadPool(CREATE_THREADS);
    try {
      List<Future<Pod>> created = new ArrayList<>();
      for (String node : nodes) {
        for (int i = 0; i < podsPerNode; i++) {
          Map<String, String> podLabels = labels.apply(created.size());
          Pod pod = Fixtures.pod(namespace, node + "-pod-" + i, node, podLabels, containers);
          // No kubelet renews these nodes' leases: without this the node lifecycle controller
          // would evict the pods five minutes after it marks the nodes unreachable.
          pod.getSpec()
              .setTolerations(List.of(new TolerationBuilder().withOperator("Exists").build()));
          created.add(pool.submit(() -> createRunning(client, pod)));
        }
      }
      List<Pod> pods = new ArrayList<>(created.size());
      for (Future<Pod> f : created) {
        pods.add(f.get());
      }
      return pods;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Creates the pod and then reports its status, as the kubelet would: the API server ignores the
   * status of a create.
   */
  private static Pod createRunning(KubernetesClient client, Pod pod) {
    Pod created = client.resource(pod).create();
    created.setStatus(pod.getStatus());
    return client.resource(created).updateStatus();
  }
}
