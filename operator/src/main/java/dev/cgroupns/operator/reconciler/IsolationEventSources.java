package dev.cgroupns.operator.reconciler;

import dev.cgroupns.api.selection.PodSelectorMatcher;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.operator.targets.DesiredNodeObjects;
import dev.cgroupns.operator.targets.PodTrimmer;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The three informers the reconciler reads from, and how their events map to CgroupIsolations.
 *
 * <p>Scale reasoning (quoted by the README): the operator needs the pods of every namespace that
 * may hold a CgroupIsolation, because any pod there may match a selector written later. So the pod
 * informer watches exactly the controller's namespaces (WATCH_NAMESPACES; all by default) and
 * nothing more, and its store keeps each pod trimmed to the fields target resolution reads (a few
 * hundred bytes instead of 5 to 20 KB). Pod updates that change none of those fields (kubelet
 * status churn: probes, restarts, conditions) are dropped before they reach the reconciler, so the
 * steady-state event rate is that of pod creations, deletions and relabels, not of kubelets. The
 * node informer caches only node names, and ignores node updates (heartbeats) entirely: only a node
 * joining or leaving changes targets. The node-object informer holds this operator's own objects,
 * one per (isolation, node), without the agents' per-container views, which it never reads.
 */
final class IsolationEventSources {
  static final String POD_BY_NODE_INDEX = "spec.nodeName";

  /**
   * Lists in pages: a real API server sends every pod whole (managed fields and all), and one
   * unpaged list of a large cluster's pods is held in memory at once before the store trims it,
   * which sets the operator's peak heap.
   */
  static final long LIST_PAGE = 500;

  private static final SecondaryToPrimaryMapper<CgroupIsolationNode> OWNER =
      Mappers.fromOwnerReferences(CgroupIsolation.class);

  final InformerEventSource<CgroupIsolationNode, CgroupIsolation> nodeObjects;
  final InformerEventSource<Pod, CgroupIsolation> pods;
  final InformerEventSource<Node, CgroupIsolation> nodes;

  IsolationEventSources(EventSourceContext<CgroupIsolation> context) {
    nodeObjects =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(CgroupIsolationNode.class, CgroupIsolation.class)
                .withName("node-objects")
                .withNamespacesInheritedFromController()
                .withItemStore(new TrimmingItemStore<>(NodeObjectTrimmer::trim))
                .withSecondaryToPrimaryMapper(OWNER)
                .build(),
            context);
    pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, CgroupIsolation.class)
                .withName("pods")
                .withNamespacesInheritedFromController()
                .withInformerListLimit(LIST_PAGE)
                .withItemStore(new TrimmingItemStore<>(PodTrimmer::trim))
                .withOnUpdateFilter((newer, older) -> !PodTrimmer.sameForTargeting(older, newer))
                .withSecondaryToPrimaryMapper(pod -> isolationsConcernedBy(pod, context))
                .build(),
            context);
    pods.addIndexers(Map.of(POD_BY_NODE_INDEX, pod -> nodeNameOf(pod)));
    nodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, CgroupIsolation.class)
                .withName("nodes")
                .withInformerListLimit(LIST_PAGE)
                .withItemStore(new TrimmingItemStore<>(IsolationEventSources::nameOnly))
                .withOnUpdateFilter((newer, older) -> false)
                .withSecondaryToPrimaryMapper(node -> isolationsOnNode(node, context))
                .build(),
            context);
  }

  List<InformerEventSource<?, CgroupIsolation>> all() {
    return List.of(nodeObjects, pods, nodes);
  }

  /** Names of the nodes the cluster has now. */
  Set<String> liveNodes() {
    return nodes.list(n -> true).map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
  }

  /** The (trimmed) pods of one namespace. */
  List<Pod> podsIn(String namespace) {
    return pods.list(namespace, p -> true).toList();
  }

  /**
   * The isolations a pod event concerns: those whose selector matches the pod now, and those whose
   * instructions list it (a pod relabelled out of a selector no longer matches, but must still be
   * taken off its node object).
   */
  private Set<ResourceID> isolationsConcernedBy(
      Pod pod, EventSourceContext<CgroupIsolation> context) {
    String namespace = pod.getMetadata().getNamespace();
    String node = nodeNameOf(pod).isEmpty() ? null : nodeNameOf(pod).get(0);
    String uid = pod.getMetadata().getUid();
    return context
        .getPrimaryCache()
        .list(namespace)
        .filter(
            isolation ->
                (isolation.getSpec() != null
                        && PodSelectorMatcher.matches(
                            isolation.getSpec().podSelector, pod.getMetadata().getLabels()))
                    || (node != null && instructionsList(isolation, node, uid)))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private boolean instructionsList(CgroupIsolation isolation, String node, String uid) {
    String name = DesiredNodeObjects.objectName(isolation.getMetadata().getName(), node);
    return nodeObjects
        .get(new ResourceID(name, isolation.getMetadata().getNamespace()))
        .map(o -> o.getSpec() != null && o.getSpec().pods.stream().anyMatch(t -> uid.equals(t.uid)))
        .orElse(false);
  }

  /**
   * A node joining concerns the isolations selecting pods already bound to it (they were held back
   * while the node was unknown); a node leaving concerns the isolations with an object for it.
   */
  private Set<ResourceID> isolationsOnNode(Node node, EventSourceContext<CgroupIsolation> context) {
    String name = node.getMetadata().getName();
    Set<ResourceID> owners =
        nodeObjects
            .list(o -> o.getSpec() != null && name.equals(o.getSpec().nodeName))
            .flatMap(
                o ->
                    Mappers.<CgroupIsolationNode>fromOwnerReferences(CgroupIsolation.class)
                        .toPrimaryResourceIDs(o)
                        .stream())
            .collect(Collectors.toSet());
    pods.byIndex(POD_BY_NODE_INDEX, name)
        .forEach(pod -> owners.addAll(isolationsConcernedBy(pod, context)));
    return owners;
  }

  private static List<String> nodeNameOf(Pod pod) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return node == null || node.isEmpty() ? List.of() : List.of(node);
  }

  private static Node nameOnly(Node node) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(node.getMetadata().getName())
        .withUid(node.getMetadata().getUid())
        .withResourceVersion(node.getMetadata().getResourceVersion())
        .endMetadata()
        .build();
  }
}
