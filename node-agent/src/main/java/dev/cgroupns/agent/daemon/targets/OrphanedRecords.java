package dev.cgroupns.agent.daemon.targets;

import dev.cgroupns.agent.daemon.engine.ContainerEngine.OwnedIsolation;
import dev.cgroupns.agent.daemon.results.ContainerResults;
import dev.cgroupns.agent.discovery.ContainerIds;
import dev.cgroupns.agent.isolate.RecordOwner;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which isolated containers nobody wants any more because their node object was deleted while the
 * agent was not watching (it was down when the operator gave up waiting, or someone force-deleted
 * the CgroupIsolation). The agent never saw the deletion, so only the revert records on the node
 * remember these containers. Pure.
 *
 * <p>Only meaningful against complete caches: with an empty object list every record would look
 * orphaned. The caller asks only after the watches listed everything.
 */
public final class OrphanedRecords {
  private OrphanedRecords() {}

  /**
   * The containers to revert: their owner object is not among the node's current objects, and no
   * current object claims the container (another CgroupIsolation selecting the same pod keeps it
   * isolated).
   *
   * @param owned running containers whose records name an owner (owner-less CLI records are never
   *     listed, so never reverted)
   * @param objects the node's current objects
   * @param claims what those objects want isolated
   */
  public static List<OwnedIsolation> orphaned(
      List<OwnedIsolation> owned, Collection<CgroupIsolationNode> objects, ClaimIndex claims) {
    Set<String> live = new HashSet<>();
    for (CgroupIsolationNode object : objects) {
      live.add(object.getMetadata().getUid());
    }
    List<OwnedIsolation> orphans = new ArrayList<>();
    for (OwnedIsolation isolation : owned) {
      RecordOwner owner = isolation.owner();
      if (owner == null || live.contains(owner.objectUid())) {
        continue; // the CLI's, or its object still exists: its own passes decide
      }
      if (claims.claimedByOther(owner.objectUid(), owner.podUid(), owner.container())) {
        continue;
      }
      orphans.add(isolation);
    }
    return orphans;
  }

  /** The revert of an orphan, described as the result its vanished object last reported. */
  public static RevertTarget revertTarget(RecordOwner owner) {
    String containerId = ContainerIds.parseStatusContainerId(owner.statusContainerId()).id();
    return new RevertTarget(
        containerId,
        ContainerResults.of(
            owner.pod(),
            owner.podUid(),
            owner.container(),
            owner.statusContainerId(),
            ContainerPhase.Isolated,
            null));
  }
}
