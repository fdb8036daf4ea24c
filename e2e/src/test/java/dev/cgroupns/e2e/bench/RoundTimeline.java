package dev.cgroupns.e2e.bench;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * When each step of one round happened, taken from watch events as they arrive (so waiting costs
 * the API nothing): the operator's first node object, each node's agent having isolated all of its
 * containers, and the CgroupIsolation turning Ready. All times in milliseconds since {@link
 * #start}.
 */
final class RoundTimeline {
  private final String isolation;
  private final Map<String, Integer> expectedPerNode;
  private final String realNode;
  private final long start = System.nanoTime();
  private final Set<String> nodesDone = ConcurrentHashMap.newKeySet();
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile long firstNodeObject = -1;
  private volatile long realNodeDone = -1;
  private volatile long allNodesDone = -1;
  private volatile long readyAt = -1;

  /**
   * @param expectedPerNode containers each node's agent must report Isolated
   * @param realNode the node with the real agent
   */
  RoundTimeline(String isolation, Map<String, Integer> expectedPerNode, String realNode) {
    this.isolation = isolation;
    this.expectedPerNode = Map.copyOf(expectedPerNode);
    this.realNode = realNode;
  }

  synchronized void nodeObject(CgroupIsolationNode object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    if (labels == null || !isolation.equals(labels.get(ApiGroup.ISOLATION_LABEL))) {
      return;
    }
    long now = elapsed();
    if (firstNodeObject < 0) {
      firstNodeObject = now;
    }
    String node = labels.get(ApiGroup.NODE_LABEL);
    Integer expected = expectedPerNode.get(node);
    if (expected == null || !allIsolated(object, expected) || !nodesDone.add(node)) {
      return;
    }
    if (node.equals(realNode)) {
      realNodeDone = now;
    }
    if (nodesDone.size() == expectedPerNode.size()) {
      allNodesDone = now;
    }
  }

  void isolation(CgroupIsolation object) {
    if (isolation.equals(object.getMetadata().getName())
        && readyAt < 0
        && Readiness.ready(object)) {
      readyAt = elapsed();
      ready.countDown();
    }
  }

  boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
    return ready.await(timeout, unit);
  }

  private static boolean allIsolated(CgroupIsolationNode object, int expected) {
    var status = object.getStatus();
    return status != null
        && status.observedGeneration != null
        && status.observedGeneration >= object.getMetadata().getGeneration()
        && status.summary != null
        && status.summary.isolated != null
        && status.summary.isolated == expected;
  }

  long elapsed() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  long firstNodeObject() {
    return firstNodeObject;
  }

  long realNodeDone() {
    return realNodeDone;
  }

  long allNodesDone() {
    return allNodesDone;
  }

  long ready() {
    return readyAt;
  }
}
