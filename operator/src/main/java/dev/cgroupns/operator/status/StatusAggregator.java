package dev.cgroupns.operator.status;

import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import dev.cgroupns.api.v1alpha1.CgroupIsolationStatus;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.NodeSummary;
import dev.cgroupns.api.v1alpha1.Problem;
import dev.cgroupns.operator.targets.ResolvedPod;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.function.ToIntFunction;

/**
 * Folds the agents' per-node results into the CgroupIsolation status.
 *
 * <p>The operator's own view of what is targeted is the reference: a container counts as matched
 * when the operator asked for it, and as pending until the node's agent reports on it for the
 * current instructions. A node object whose {@code status.observedGeneration} is behind its {@code
 * metadata.generation} has not been acted on yet, so its old results do not count (they describe
 * instructions that were replaced). Results for containers no longer targeted are ignored.
 *
 * <p>The lists are bounded: nodes worst-first (failures, then pending work, then silent agents), at
 * most {@link CgroupIsolationStatus#MAX_NODES}; problems newest-first, at most {@link
 * CgroupIsolationStatus#MAX_PROBLEMS}; each with a count of what was left out.
 */
public final class StatusAggregator {
  public static final String REASON_ISOLATION_FAILED = "IsolationFailed";
  static final int MAX_MESSAGE = 1024;

  private static final Comparator<NodeSummary> WORST_FIRST =
      Comparator.<NodeSummary>comparingInt(n -> -n.failed)
          .thenComparingInt(n -> -n.pending)
          .thenComparing(n -> Boolean.TRUE.equals(n.agentReporting))
          .thenComparing(n -> n.node);

  private StatusAggregator() {}

  /**
   * @param desired per node, the pods the operator targets
   * @param observed the isolation's node objects as the API server has them
   */
  public static Aggregate aggregate(
      SortedMap<String, List<ResolvedPod>> desired, Collection<CgroupIsolationNode> observed) {
    Map<String, CgroupIsolationNode> byNode = new HashMap<>();
    for (CgroupIsolationNode object : observed) {
      if (object.getSpec() != null && object.getSpec().nodeName != null) {
        byNode.put(object.getSpec().nodeName, object);
      }
    }
    List<NodeSummary> summaries = new ArrayList<>();
    List<TimedProblem> problems = new ArrayList<>();
    int notReporting = 0;
    for (var entry : desired.entrySet()) {
      CgroupIsolationNode object = byNode.get(entry.getKey());
      boolean reporting = object != null && reportsCurrentInstructions(object);
      if (!reporting) {
        notReporting++;
      }
      summaries.add(
          summarize(entry.getKey(), entry.getValue(), reporting ? object : null, problems));
    }
    int reverting =
        (int) byNode.keySet().stream().filter(node -> !desired.containsKey(node)).count();

    CgroupIsolationStatus status = new CgroupIsolationStatus();
    status.matched = sum(summaries, n -> n.matched);
    status.isolated = sum(summaries, n -> n.isolated);
    status.alreadyPrivate = sum(summaries, n -> n.alreadyPrivate);
    status.wouldChange = sum(summaries, n -> n.wouldChange);
    status.pending = sum(summaries, n -> n.pending);
    status.failed = sum(summaries, n -> n.failed);
    status.nodeCount = summaries.size();

    summaries.sort(WORST_FIRST);
    status.nodes =
        new ArrayList<>(
            summaries.subList(0, Math.min(summaries.size(), CgroupIsolationStatus.MAX_NODES)));
    status.nodesOmitted = summaries.size() - status.nodes.size();

    problems.sort(TimedProblem.NEWEST_FIRST);
    status.problems = new ArrayList<>();
    problems.stream()
        .limit(CgroupIsolationStatus.MAX_PROBLEMS)
        .forEach(p -> status.problems.add(p.problem()));
    status.problemsOmitted = problems.size() - status.problems.size();
    return new Aggregate(status, notReporting, reverting);
  }

  /** Whether the agent has acted on the object's current spec. */
  public static boolean reportsCurrentInstructions(CgroupIsolationNode object) {
    CgroupIsolationNodeStatus status = object.getStatus();
    Long generation = object.getMetadata().getGeneration();
    return status != null
        && status.observedGeneration != null
        && generation != null
        && status.observedGeneration >= generation;
  }

  private static NodeSummary summarize(
      String node,
      List<ResolvedPod> pods,
      CgroupIsolationNode reported,
      List<TimedProblem> problems) {
    Map<String, ContainerResult> results = new HashMap<>();
    if (reported != null && reported.getStatus().containers != null) {
      for (ContainerResult result : reported.getStatus().containers) {
        results.put(key(result.pod, result.container), result);
      }
    }
    NodeSummary summary = new NodeSummary();
    summary.node = node;
    summary.agentReporting = reported != null;
    // Said by the agent of the node, for the whole node; absent from an agent that does not say.
    summary.isolatesAtCreation =
        reported == null || reported.getStatus().atCreation == null
            ? null
            : reported.getStatus().atCreation.active;
    summary.matched = 0;
    summary.isolated = 0;
    summary.alreadyPrivate = 0;
    summary.wouldChange = 0;
    summary.pending = 0;
    summary.failed = 0;
    for (ResolvedPod pod : pods) {
      for (String container : pod.containers()) {
        summary.matched++;
        ContainerResult result = results.get(key(pod.name(), container));
        // A result for an older pod of the same name (a recreated StatefulSet pod) is not ours.
        if (result == null
            || result.phase == null
            || (result.podUID != null && !result.podUID.equals(pod.uid()))) {
          summary.pending++;
          continue;
        }
        switch (result.phase) {
          case Isolated -> summary.isolated++;
          case AlreadyPrivate -> summary.alreadyPrivate++;
          case WouldChange -> summary.wouldChange++;
          case Skipped -> {
            // Reported and deliberately left alone (the agent says why): neither done nor pending.
          }
          case Failed -> {
            summary.failed++;
            problems.add(
                new TimedProblem(
                    result.lastTransitionTime,
                    new Problem(
                        node,
                        pod.name(),
                        container,
                        REASON_ISOLATION_FAILED,
                        truncate(result.message))));
          }
          case Pending, Reverted -> summary.pending++;
        }
      }
    }
    return summary;
  }

  private static String key(String pod, String container) {
    return pod + "/" + container;
  }

  private static int sum(List<NodeSummary> summaries, ToIntFunction<NodeSummary> f) {
    return summaries.stream().mapToInt(f).sum();
  }

  private static String truncate(String message) {
    String text = Objects.requireNonNullElse(message, "the agent gave no message");
    return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE - 3) + "..." : text;
  }

  /** A problem with the time it appeared (RFC 3339, may be absent), for newest-first ordering. */
  private record TimedProblem(String since, Problem problem) {
    // RFC 3339 timestamps in UTC sort as strings; absent times go last, then a stable order.
    static final Comparator<TimedProblem> NEWEST_FIRST =
        Comparator.comparing(
                TimedProblem::since, Comparator.nullsLast(Comparator.<String>reverseOrder()))
            .thenComparing(t -> t.problem().node)
            .thenComparing(t -> t.problem().pod)
            .thenComparing(t -> t.problem().container);
  }
}
