package dev.cgroupns.agent.daemon.targets;

import dev.cgroupns.agent.daemon.arrivals.ContainerArrivals;
import dev.cgroupns.agent.daemon.results.ContainerResults;
import dev.cgroupns.agent.discovery.ContainerIds;
import dev.cgroupns.agent.discovery.ParsedContainerId;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.api.v1alpha1.PodTarget;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a node object's instructions, the agent's own view of its pods and the object's previous
 * results into a {@link PassPlan}. Pure: no I/O, so every rule is tested directly.
 *
 * <p>The operator's pod list is not trusted blindly: a listed pod counts only if the agent sees a
 * pod of that name in the object's namespace, on this node, with the same UID. Containers come from
 * the pod's status, so a restarted container (new ID) is picked up without new instructions.
 * Container IDs are validated here and only ever compared with what /proc shows.
 */
public final class TargetResolver {
  private final String nodeName;
  private final Protection protection;
  private final ContainerArrivals.Lookup arrivals;

  public TargetResolver(String nodeName, Protection protection) {
    this(nodeName, protection, ContainerArrivals.Lookup.NONE);
  }

  /**
   * @param arrivals containers the node showed starting before the pod status names them: one
   *     running there stands for its slot, whatever the status still says
   */
  public TargetResolver(String nodeName, Protection protection, ContainerArrivals.Lookup arrivals) {
    this.nodeName = nodeName;
    this.protection = protection;
    this.arrivals = arrivals;
  }

  public PassPlan resolve(
      CgroupIsolationNode object,
      PodSnapshot pods,
      List<ContainerResult> previous,
      ClaimIndex claims) {
    CgroupIsolationNodeSpec spec = object.getSpec();
    String namespace = object.getMetadata().getNamespace();
    String objectUid = object.getMetadata().getUid();
    boolean readOnly = !Boolean.FALSE.equals(spec.readOnly);
    boolean audit = spec.mode == IsolationMode.Audit;
    Set<String> filter =
        spec.containers == null || spec.containers.isEmpty()
            ? Set.of()
            : Set.copyOf(spec.containers);

    List<ContainerTarget> running = new ArrayList<>();
    Map<String, ContainerResult> decided = new LinkedHashMap<>();
    for (Pod pod : listedPods(spec, namespace, pods)) {
      String podName = pod.getMetadata().getName();
      String podUid = pod.getMetadata().getUid();
      Optional<String> leaveAlone = protection.leaveAlone(pod);
      Map<String, ContainerStatus> statuses = statusesByName(pod);
      for (Container container : pod.getSpec().getContainers()) {
        String name = container.getName();
        if (name == null || (!filter.isEmpty() && !filter.contains(name))) {
          continue;
        }
        ContainerStatus status = statuses.get(name);
        String statusId = status == null ? null : status.getContainerID();
        String key = ContainerKeys.of(podUid, name);
        Optional<ContainerArrivals.Arrival> arrived =
            podUid == null ? Optional.empty() : arrivals.running(podUid, name);
        boolean arrivedFirst =
            arrived.isPresent() && !arrived.get().statusContainerId().equals(statusId);
        if (arrivedFirst) {
          statusId = arrived.get().statusContainerId();
        }
        if (leaveAlone.isPresent()) {
          decided.put(
              key,
              ContainerResults.of(
                  podName, podUid, name, null, ContainerPhase.Skipped, leaveAlone.get()));
          continue;
        }
        if (!arrivedFirst
            && (status == null
                || status.getState() == null
                || status.getState().getRunning() == null)) {
          if (status != null
              && status.getState() != null
              && status.getState().getTerminated() != null) {
            continue; // finished: nothing runs that could be isolated
          }
          decided.put(
              key,
              ContainerResults.of(
                  podName,
                  podUid,
                  name,
                  null,
                  ContainerPhase.Pending,
                  "waiting for the container to start"));
          continue;
        }
        ParsedContainerId id;
        try {
          id = ContainerIds.parseStatusContainerId(statusId);
        } catch (IllegalArgumentException e) {
          decided.put(
              key,
              ContainerResults.of(
                  podName,
                  podUid,
                  name,
                  null,
                  ContainerPhase.Failed,
                  "cannot act on this container: " + e.getMessage()));
          continue;
        }
        // The arrival's init, when it is this very container: no /proc scan needed to find it.
        String targetId = statusId;
        ProcessIdentity knownInit =
            arrived
                .filter(a -> a.statusContainerId().equals(targetId))
                .map(ContainerArrivals.Arrival::init)
                .orElse(null);
        if (spec.action == NodeAction.Apply) {
          boolean effectiveReadOnly =
              readOnly || claims.readOnlyWantedByOther(objectUid, podUid, name);
          running.add(
              new ContainerTarget(
                  podName, podUid, name, statusId, id.id(), effectiveReadOnly, audit, knownInit));
        } else {
          running.add(
              new ContainerTarget(
                  podName, podUid, name, statusId, id.id(), true, false, knownInit));
        }
      }
    }
    return spec.action == NodeAction.Apply
        ? planApply(objectUid, running, decided, previous, pods, claims)
        : planRevert(objectUid, running, decided, previous, pods, claims);
  }

  /**
   * Isolate every running target; revert what this object isolated but no longer targets. Results
   * of earlier reverts stay while their pod runs, so the status shows that they were put back.
   */
  private static PassPlan planApply(
      String objectUid,
      List<ContainerTarget> running,
      Map<String, ContainerResult> decided,
      List<ContainerResult> previous,
      PodSnapshot pods,
      ClaimIndex claims) {
    Set<String> targeted = new HashSet<>();
    running.forEach(t -> targeted.add(t.key()));
    List<RevertTarget> revert = new ArrayList<>();
    for (ContainerResult result : previous) {
      String key = ContainerKeys.of(result);
      if (targeted.contains(key) || !pods.hasUid(result.podUID)) {
        continue; // still targeted, or its pod is gone (and its containers with it)
      }
      if (wasChanged(result)) {
        // A pod that is now protected (opted out) is reverted too: revert only undoes what the
        // engine recorded on this node, so even a forged status cannot make it change anything
        // the agent did not do itself.
        validId(result)
            .filter(id -> !claims.claimedByOther(objectUid, result.podUID, result.container))
            .ifPresent(id -> revert.add(new RevertTarget(id, result)));
      } else if (result.phase == ContainerPhase.Reverted && !decided.containsKey(key)) {
        decided.put(key, result);
      }
    }
    return new PassPlan(running, revert, List.copyOf(decided.values()));
  }

  /**
   * Revert everything this object isolated, and every running container it lists (in case a result
   * was lost); everything else is reported Reverted, since nothing of it is changed any more.
   */
  private static PassPlan planRevert(
      String objectUid,
      List<ContainerTarget> running,
      Map<String, ContainerResult> decided,
      List<ContainerResult> previous,
      PodSnapshot pods,
      ClaimIndex claims) {
    Map<String, RevertTarget> revert = new LinkedHashMap<>();
    Map<String, ContainerResult> settled = new LinkedHashMap<>();
    for (ContainerResult result : previous) {
      if (!pods.hasUid(result.podUID)) {
        continue;
      }
      String key = ContainerKeys.of(result);
      if (claims.claimedByOther(objectUid, result.podUID, result.container)) {
        continue; // another CgroupIsolation keeps it isolated: not this object's any more
      }
      Optional<String> id = validId(result);
      if (wasChanged(result) && id.isPresent()) {
        revert.put(key, new RevertTarget(id.get(), result));
      } else if (result.phase == ContainerPhase.Reverted) {
        settled.put(key, result);
      } else {
        settled.put(
            key,
            ContainerResults.withPhase(
                result, ContainerPhase.Reverted, "nothing had been changed; nothing to revert"));
      }
    }
    for (ContainerTarget target : running) {
      String key = target.key();
      if (revert.containsKey(key)
          || claims.claimedByOther(objectUid, target.podUid(), target.container())) {
        continue;
      }
      ContainerResult result = ContainerResults.of(target, ContainerPhase.Pending, null);
      revert.put(key, new RevertTarget(target.containerId(), result));
      settled.remove(key);
    }
    // Pods left alone and containers not running never had anything changed.
    decided.forEach(
        (key, result) -> {
          if (!revert.containsKey(key) && !settled.containsKey(key)) {
            settled.put(
                key,
                ContainerResults.withPhase(
                    result,
                    ContainerPhase.Reverted,
                    "nothing had been changed; nothing to revert"));
          }
        });
    return new PassPlan(List.of(), List.copyOf(revert.values()), List.copyOf(settled.values()));
  }

  /**
   * What a deleted object had isolated and no other object claims: to be reverted, since nobody is
   * left to ask for it. (The operator deletes a node object only once its agent confirmed the
   * revert, or when the node is gone; anything else is a forced deletion.)
   */
  public static List<RevertTarget> orphaned(
      String objectUid, List<ContainerResult> lastResults, ClaimIndex claims) {
    List<RevertTarget> orphans = new ArrayList<>();
    for (ContainerResult result : lastResults) {
      if (wasChanged(result)
          && !claims.claimedByOther(objectUid, result.podUID, result.container)) {
        validId(result).ifPresent(id -> orphans.add(new RevertTarget(id, result)));
      }
    }
    return orphans;
  }

  /** The listed pods the agent itself sees on this node in the object's namespace, same UID. */
  private List<Pod> listedPods(CgroupIsolationNodeSpec spec, String namespace, PodSnapshot pods) {
    List<Pod> found = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    if (spec.pods == null) {
      return found;
    }
    for (PodTarget target : spec.pods) {
      if (target == null
          || target.name == null
          || !ContainerIds.isPodUid(target.uid)
          || !seen.add(target.uid)) {
        continue;
      }
      pods.get(namespace, target.name)
          .filter(p -> target.uid.equals(p.getMetadata().getUid()))
          .filter(p -> nodeName.equals(p.getSpec().getNodeName()))
          .filter(p -> p.getSpec().getContainers() != null)
          .ifPresent(found::add);
    }
    return found;
  }

  private static Map<String, ContainerStatus> statusesByName(Pod pod) {
    Map<String, ContainerStatus> byName = new HashMap<>();
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
        if (status != null && status.getName() != null) {
          byName.put(status.getName(), status);
        }
      }
    }
    return byName;
  }

  /**
   * Whether the engine may have changed this container under this object: isolated, or a failure
   * that may have been a failed revert (reverting an unchanged container is a no-op).
   */
  static boolean wasChanged(ContainerResult result) {
    return result.phase == ContainerPhase.Isolated || result.phase == ContainerPhase.Failed;
  }

  private static Optional<String> validId(ContainerResult result) {
    try {
      return Optional.of(ContainerIds.parseStatusContainerId(result.containerID).id());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
