package dev.cgroupns.operator.reconciler;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationStatus;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.operator.events.EventRecorder;
import dev.cgroupns.operator.status.ConditionCalculator;
import dev.cgroupns.operator.status.Verdict;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletion of a CgroupIsolation: every node object is switched to Revert, and the finalizer stays
 * until each agent confirms (it acted on the Revert generation and no container is left isolated).
 * Nodes that left the cluster need no confirmation. Agents that stay silent past the revert
 * timeout, or the force-delete annotation, release the finalizer anyway, with a Warning event
 * naming the nodes that never confirmed, so deletion cannot hang forever.
 */
final class RevertCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(RevertCoordinator.class);

  /** Set to "true" on a CgroupIsolation to release its finalizer without waiting for agents. */
  static final String FORCE_DELETE_ANNOTATION = ApiGroup.GROUP + "/force-delete";

  static final String REASON_REVERTING = "Reverting";
  static final int MAX_NODES_NAMED = 20;

  /** How often deletion re-checks the agents when no event arrives. */
  static final Duration REVERT_POLL = Duration.ofSeconds(15);

  private final EventRecorder events;
  private final Duration revertTimeout;
  private final Clock clock;

  RevertCoordinator(EventRecorder events, Duration revertTimeout, Clock clock) {
    this.events = events;
    this.revertTimeout = revertTimeout;
    this.clock = clock;
  }

  static boolean forceDelete(CgroupIsolation isolation) {
    Map<String, String> annotations = isolation.getMetadata().getAnnotations();
    return annotations != null && "true".equals(annotations.get(FORCE_DELETE_ANNOTATION));
  }

  DeleteControl cleanup(
      CgroupIsolation isolation,
      Collection<CgroupIsolationNode> objects,
      Set<String> liveNodes,
      NodeObjectWriter writer,
      StatusWriter statusWriter) {
    if (forceDelete(isolation)) {
      List<String> unconfirmed = unconfirmedNodes(objects, liveNodes);
      events.warning(
          isolation,
          "ForceDeleted",
          "released at once by the "
              + FORCE_DELETE_ANNOTATION
              + " annotation; "
              + (unconfirmed.isEmpty()
                  ? "every agent had confirmed its revert"
                  : "containers may remain isolated on nodes that never confirmed: "
                      + namesOf(unconfirmed)));
      deleteAll(objects, writer);
      return DeleteControl.defaultDelete();
    }

    List<CgroupIsolationNode> current = new ArrayList<>();
    for (CgroupIsolationNode object : objects) {
      boolean live = liveNodes.contains(object.getSpec().nodeName);
      current.add(
          live && object.getSpec().action != NodeAction.Revert
              ? writer.markRevert(object)
              : object);
    }
    List<String> unconfirmed = unconfirmedNodes(current, liveNodes);
    if (unconfirmed.isEmpty()) {
      if (!current.isEmpty()) {
        events.normal(
            isolation,
            "Reverted",
            "every agent confirmed its revert on " + current.size() + " node(s)");
      }
      deleteAll(current, writer);
      return DeleteControl.defaultDelete();
    }
    Duration left = Duration.between(clock.instant(), deletionTime(isolation).plus(revertTimeout));
    if (left.isNegative() || left.isZero()) {
      events.warning(
          isolation,
          "RevertUnconfirmed",
          "released after waiting "
              + revertTimeout.toSeconds()
              + "s; containers may remain isolated on nodes whose agent never confirmed: "
              + namesOf(unconfirmed));
      deleteAll(current, writer);
      return DeleteControl.defaultDelete();
    }
    reportReverting(isolation, statusWriter, unconfirmed, left);
    LOG.info(
        "{}/{}: waiting up to {}s for agents on {} node(s) to confirm the revert",
        isolation.getMetadata().getNamespace(),
        isolation.getMetadata().getName(),
        left.toSeconds(),
        unconfirmed.size());
    long wait = Math.min(left.toMillis(), REVERT_POLL.toMillis());
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(Math.max(wait, 1));
  }

  /** Live nodes whose agent has not confirmed the revert of the object's current generation. */
  static List<String> unconfirmedNodes(
      Collection<CgroupIsolationNode> objects, Set<String> liveNodes) {
    return objects.stream()
        .filter(o -> liveNodes.contains(o.getSpec().nodeName))
        .filter(o -> o.getSpec().action != NodeAction.Revert || !InstructionPlan.revertConfirmed(o))
        .map(o -> o.getSpec().nodeName)
        .sorted()
        .toList();
  }

  /**
   * Shows a deletion in progress in the status (Reconciling/Reverting), so that kubectl and GitOps
   * tools see why the resource lingers. Written only when the conditions change; a failure here
   * only loses the courtesy, never the revert.
   */
  private void reportReverting(
      CgroupIsolation isolation,
      StatusWriter statusWriter,
      List<String> unconfirmed,
      Duration left) {
    CgroupIsolationStatus previous = isolation.getStatus();
    List<Condition> before = previous == null ? List.of() : previous.conditions;
    long generation = Objects.requireNonNullElse(isolation.getMetadata().getGeneration(), 0L);
    Verdict verdict =
        Verdict.reconciling(
            REASON_REVERTING,
            "deleting: waiting for the agents on "
                + unconfirmed.size()
                + " node(s) to confirm the revert ("
                + namesOf(unconfirmed)
                + "); the finalizer is released in at most "
                + left.toSeconds()
                + "s");
    List<Condition> after =
        ConditionCalculator.conditions(before, verdict, generation, clock.instant());
    if (Json.same(before, after)) {
      return;
    }
    try {
      CgroupIsolationStatus latest = statusWriter.latest(isolation);
      latest.conditions = new ArrayList<>(after);
      statusWriter.replace(isolation, latest);
    } catch (RuntimeException e) {
      LOG.warn(
          "{}/{}: could not report the revert in progress: {}",
          isolation.getMetadata().getNamespace(),
          isolation.getMetadata().getName(),
          e.getMessage());
    }
  }

  private static void deleteAll(Collection<CgroupIsolationNode> objects, NodeObjectWriter writer) {
    // The garbage collector would remove them with their owner too; deleting them now tells the
    // agents at once that there is nothing left to do, and keeps clusters with a slow collector
    // tidy.
    objects.forEach(writer::delete);
  }

  private Instant deletionTime(CgroupIsolation isolation) {
    String stamp = isolation.getMetadata().getDeletionTimestamp();
    return stamp == null ? clock.instant() : Instant.parse(stamp);
  }

  static String namesOf(List<String> nodes) {
    String shown = String.join(", ", nodes.subList(0, Math.min(nodes.size(), MAX_NODES_NAMED)));
    return nodes.size() > MAX_NODES_NAMED
        ? shown + " and " + (nodes.size() - MAX_NODES_NAMED) + " more"
        : shown;
  }
}
