package dev.cgroupns.operator.testing;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.AtCreationState;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.api.v1alpha1.NodeCounts;
import dev.cgroupns.api.v1alpha1.PodTarget;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stands in for one node's agent, writing what the real agent writes and nothing else: its node
 * objects' whole status, through the /status subresource, with observedGeneration set to the
 * generation it acted on, one result per container and the summary counters.
 *
 * <p>The status is replaced with a JSON patch ("add /status"), not a JSON merge patch: on a real
 * API server both replace the containers array, but fabric8's mock server concatenates arrays in
 * merge patches, which would make a second report look like twice the containers.
 */
public final class FakeAgent {
  /** Finds a pod by namespace and name, or null. */
  @FunctionalInterface
  public interface PodLookup {
    Pod find(String namespace, String name);
  }

  private final KubernetesClient client;
  private final String node;
  private final PodLookup pods;
  private AtCreationState atCreation = new AtCreationState(true, null);

  /** An agent that reads each listed pod with its own GET, as simple tests want. */
  public FakeAgent(KubernetesClient client, String node) {
    this(
        client,
        node,
        (namespace, name) -> client.pods().inNamespace(namespace).withName(name).get());
  }

  /**
   * An agent that finds pods through the given lookup: simulations of many nodes pass a shared
   * cache, as the real agent reads pods from its informer rather than one GET per pod.
   */
  public FakeAgent(KubernetesClient client, String node, PodLookup pods) {
    this.client = client;
    this.node = node;
    this.pods = pods;
  }

  /** What it says of isolating at creation from now on (by default: it does). */
  public FakeAgent atCreation(AtCreationState state) {
    this.atCreation = state;
    return this;
  }

  /** Its node objects, found the way the agent finds them: by the node label. */
  public List<CgroupIsolationNode> objects() {
    return client
        .resources(CgroupIsolationNode.class)
        .inAnyNamespace()
        .withLabel(ApiGroup.NODE_LABEL, node)
        .list()
        .getItems();
  }

  /**
   * Acts on every object's current spec: Apply gives each listed container the phase; Revert
   * reports every container it had isolated as Reverted.
   */
  public void actOnAll(ContainerPhase applyPhase) {
    for (CgroupIsolationNode object : objects()) {
      act(object, applyPhase);
    }
  }

  /** Reports on one object; the given phase for Apply, Reverted for Revert. */
  public void act(CgroupIsolationNode object, ContainerPhase applyPhase) {
    boolean revert = object.getSpec().action == NodeAction.Revert;
    List<ContainerResult> results = new ArrayList<>();
    for (PodTarget target : object.getSpec().pods) {
      Pod pod = pods.find(object.getMetadata().getNamespace(), target.name);
      if (pod == null || !target.uid.equals(pod.getMetadata().getUid())) {
        continue;
      }
      for (Container container : pod.getSpec().getContainers()) {
        List<String> wanted = object.getSpec().containers;
        if (wanted != null && !wanted.isEmpty() && !wanted.contains(container.getName())) {
          continue;
        }
        ContainerResult result = new ContainerResult();
        result.pod = target.name;
        result.podUID = target.uid;
        result.container = container.getName();
        result.phase = revert ? ContainerPhase.Reverted : applyPhase;
        result.message = result.phase == ContainerPhase.Failed ? "mount failed: EPERM" : null;
        result.lastTransitionTime = "2026-01-01T00:00:00Z";
        results.add(result);
      }
    }
    CgroupIsolationNodeStatus status = new CgroupIsolationNodeStatus();
    status.observedGeneration = object.getMetadata().getGeneration();
    status.agent = "agent-" + node;
    status.containers = results;
    status.summary = counts(results);
    status.atCreation = atCreation;
    writeStatus(object, status);
  }

  /** Reports that nothing is isolated any more (what an agent writes after an emptied object). */
  public void reportNothing(CgroupIsolationNode object) {
    CgroupIsolationNodeStatus status = new CgroupIsolationNodeStatus();
    status.observedGeneration = object.getMetadata().getGeneration();
    status.agent = "agent-" + node;
    status.containers = List.of();
    status.summary = counts(List.of());
    status.atCreation = atCreation;
    writeStatus(object, status);
  }

  private void writeStatus(CgroupIsolationNode object, CgroupIsolationNodeStatus status) {
    client
        .resources(CgroupIsolationNode.class)
        .inNamespace(object.getMetadata().getNamespace())
        .withName(object.getMetadata().getName())
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON),
            Serialization.asJson(List.of(Map.of("op", "add", "path", "/status", "value", status))));
  }

  private static NodeCounts counts(List<ContainerResult> results) {
    NodeCounts counts = new NodeCounts();
    counts.matched = results.size();
    counts.isolated = count(results, ContainerPhase.Isolated);
    counts.alreadyPrivate = count(results, ContainerPhase.AlreadyPrivate);
    counts.wouldChange = count(results, ContainerPhase.WouldChange);
    counts.pending = count(results, ContainerPhase.Pending);
    counts.failed = count(results, ContainerPhase.Failed);
    counts.reverted = count(results, ContainerPhase.Reverted);
    return counts;
  }

  private static int count(List<ContainerResult> results, ContainerPhase phase) {
    return (int) results.stream().filter(r -> r.phase == phase).count();
  }
}
