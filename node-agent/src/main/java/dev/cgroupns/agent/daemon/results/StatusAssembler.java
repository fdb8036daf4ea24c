package dev.cgroupns.agent.daemon.results;

import dev.cgroupns.api.v1alpha1.AtCreationState;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.NodeCounts;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds one pass's container results into the node object's status: one entry per container slot
 * (pod UID and name), sorted, bounded, each with a lastTransitionTime that moves only when its
 * phase does, and counters by phase. Pure.
 */
public final class StatusAssembler {
  private static final Comparator<ContainerResult> BY_POD_AND_NAME =
      Comparator.comparing((ContainerResult r) -> nullToEmpty(r.pod))
          .thenComparing(r -> nullToEmpty(r.podUID))
          .thenComparing(r -> nullToEmpty(r.container));

  private StatusAssembler() {}

  /**
   * @param previous the status the results follow (null after a restart with no status yet)
   * @param results this pass's results; a later entry for the same slot replaces an earlier one
   * @param generation the metadata.generation whose instructions were acted on
   * @param agent the agent pod's name
   * @param lastVerified when every container was last checked against the kernel (RFC 3339)
   * @param atCreation whether the agent isolates containers at their creation now (null: unsaid)
   * @param now the time of this pass
   */
  public static CgroupIsolationNodeStatus assemble(
      CgroupIsolationNodeStatus previous,
      Collection<ContainerResult> results,
      Long generation,
      String agent,
      String lastVerified,
      AtCreationState atCreation,
      Instant now) {
    Map<String, ContainerResult> before = new HashMap<>();
    if (previous != null && previous.containers != null) {
      previous.containers.forEach(r -> before.put(key(r), r));
    }
    Map<String, ContainerResult> bySlot = new LinkedHashMap<>();
    for (ContainerResult result : results) {
      bySlot.put(key(result), result);
    }
    String timestamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
    List<ContainerResult> containers = new ArrayList<>();
    for (ContainerResult result : bySlot.values()) {
      ContainerResult copy = ContainerResults.copy(result);
      copy.message = Messages.bounded(copy.message);
      ContainerResult earlier = before.get(key(result));
      copy.lastTransitionTime =
          earlier != null && earlier.phase == copy.phase && earlier.lastTransitionTime != null
              ? earlier.lastTransitionTime
              : timestamp;
      containers.add(copy);
    }
    containers.sort(BY_POD_AND_NAME);
    containers = bounded(containers);

    CgroupIsolationNodeStatus status = new CgroupIsolationNodeStatus();
    status.observedGeneration = generation;
    status.agent = agent;
    status.lastVerified = lastVerified;
    status.containers = containers;
    status.summary = count(containers);
    status.atCreation =
        atCreation == null
            ? null
            : new AtCreationState(atCreation.active, Messages.bounded(atCreation.reason));
    return status;
  }

  /** At most MAX_CONTAINERS entries; failures are kept first, since they need attention. */
  static List<ContainerResult> bounded(List<ContainerResult> sorted) {
    if (sorted.size() <= CgroupIsolationNodeStatus.MAX_CONTAINERS) {
      return sorted;
    }
    List<ContainerResult> kept = new ArrayList<>();
    sorted.stream().filter(r -> r.phase == ContainerPhase.Failed).forEach(kept::add);
    sorted.stream().filter(r -> r.phase != ContainerPhase.Failed).forEach(kept::add);
    kept = new ArrayList<>(kept.subList(0, CgroupIsolationNodeStatus.MAX_CONTAINERS));
    kept.sort(BY_POD_AND_NAME);
    return kept;
  }

  /**
   * Counters by phase. Every counter is set (0, not absent), so a merge patch replaces them all.
   */
  public static NodeCounts count(List<ContainerResult> containers) {
    NodeCounts counts = new NodeCounts();
    int matched = 0;
    int isolated = 0;
    int alreadyPrivate = 0;
    int wouldChange = 0;
    int pending = 0;
    int failed = 0;
    int reverted = 0;
    for (ContainerResult result : containers) {
      if (result.phase != ContainerPhase.Reverted) {
        matched++;
      }
      switch (result.phase) {
        case Isolated -> isolated++;
        case AlreadyPrivate -> alreadyPrivate++;
        case WouldChange -> wouldChange++;
        case Pending -> pending++;
        case Failed -> failed++;
        case Reverted -> reverted++;
        case Skipped -> {
          // matched, deliberately left alone: counted in matched only
        }
      }
    }
    counts.matched = matched;
    counts.isolated = isolated;
    counts.alreadyPrivate = alreadyPrivate;
    counts.wouldChange = wouldChange;
    counts.pending = pending;
    counts.failed = failed;
    counts.reverted = reverted;
    return counts;
  }

  private static String key(ContainerResult result) {
    return result.podUID + "/" + result.container;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
