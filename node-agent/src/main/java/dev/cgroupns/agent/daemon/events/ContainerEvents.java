package dev.cgroupns.agent.daemon.events;

import dev.cgroupns.agent.daemon.engine.EngineOutcome;
import dev.cgroupns.agent.daemon.events.ContainerEvent.Type;
import dev.cgroupns.agent.daemon.results.Messages;
import dev.cgroupns.agent.daemon.targets.ContainerTarget;
import dev.cgroupns.agent.daemon.targets.RevertTarget;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides which results are worth an Event: only real transitions, never the re-verification of a
 * container that stayed as it was. Pure.
 *
 * <ul>
 *   <li>{@code Isolated}: the agent replaced the container's mounts just now (not "already
 *       isolated", which a restarted agent or a periodic check finds).
 *   <li>{@code DriftRepaired} (Warning): someone changed the mounts of an isolated container, and
 *       the agent isolated it again.
 *   <li>{@code IsolationFailed} (Warning): the container failed, and did not fail for the same
 *       reason in the previous result (so a container that keeps failing is reported once).
 *   <li>{@code Reverted}: the original mounts were put back.
 *   <li>{@code RevertFailed} (Warning): the revert failed, and the previous result did not already
 *       say so.
 * </ul>
 */
public final class ContainerEvents {
  public static final String ISOLATED = "Isolated";
  public static final String DRIFT_REPAIRED = "DriftRepaired";
  public static final String ISOLATION_FAILED = "IsolationFailed";
  public static final String REVERTED = "Reverted";
  public static final String REVERT_FAILED = "RevertFailed";

  private static final String REVERT_FAILED_PREFIX = "revert failed";

  private ContainerEvents() {}

  /**
   * The event, if any, of isolating (or auditing) a container.
   *
   * @param namespace the node object's namespace, which is its pods'
   * @param isolation the CgroupIsolation the instructions came from
   * @param previous the container slot's result before this pass
   * @param result this pass's result
   * @param driftRepaired whether the result repaired drift
   */
  public static Optional<ContainerEvent> applied(
      String namespace,
      String isolation,
      ContainerTarget target,
      EngineOutcome.Kind outcome,
      Optional<ContainerResult> previous,
      ContainerResult result,
      boolean driftRepaired) {
    String container = target.container();
    if (driftRepaired) {
      return event(
          namespace,
          target,
          Type.Warning,
          DRIFT_REPAIRED,
          "Repair",
          "the cgroupfs mounts of container "
              + container
              + " had been changed since it was isolated; isolated again (CgroupIsolation "
              + isolation
              + ")");
    }
    if (outcome == EngineOutcome.Kind.ISOLATED && !target.audit()) {
      return event(
          namespace,
          target,
          Type.Normal,
          ISOLATED,
          "Isolate",
          "container "
              + container
              + " now sees only its own cgroup subtree through its cgroupfs mounts ("
              + (target.readOnly() ? "read-only" : "read-write")
              + ", CgroupIsolation "
              + isolation
              + ")");
    }
    if (result.phase == ContainerPhase.Failed && !sameFailure(previous, result)) {
      return event(
          namespace,
          target,
          Type.Warning,
          ISOLATION_FAILED,
          "Isolate",
          "could not isolate container "
              + container
              + " (CgroupIsolation "
              + isolation
              + "): "
              + result.message);
    }
    return Optional.empty();
  }

  /** The event, if any, of reverting a container; {@code result} is empty when it was gone. */
  public static Optional<ContainerEvent> reverted(
      String namespace,
      String isolation,
      RevertTarget target,
      EngineOutcome.Kind outcome,
      Optional<ContainerResult> result) {
    if (result.isEmpty()) {
      return Optional.empty();
    }
    ContainerResult previous = target.previous();
    ContainerResult now = result.get();
    if (outcome == EngineOutcome.Kind.REVERTED) {
      return event(
          namespace,
          previous,
          target.containerId(),
          Type.Normal,
          REVERTED,
          "Revert",
          "the original cgroupfs mounts of container "
              + previous.container
              + " are back (CgroupIsolation "
              + isolation
              + ")");
    }
    boolean failedNow = now.message != null && now.message.startsWith(REVERT_FAILED_PREFIX);
    boolean failedBefore =
        previous.message != null && previous.message.startsWith(REVERT_FAILED_PREFIX);
    if (failedNow && !failedBefore) {
      return event(
          namespace,
          previous,
          target.containerId(),
          Type.Warning,
          REVERT_FAILED,
          "Revert",
          "could not revert container "
              + previous.container
              + " (CgroupIsolation "
              + isolation
              + "): "
              + now.message);
    }
    return Optional.empty();
  }

  /** Whether the previous result was a failure of the same container for the same reason. */
  static boolean sameFailure(Optional<ContainerResult> previous, ContainerResult result) {
    return previous
        .filter(p -> p.phase == ContainerPhase.Failed)
        .filter(p -> Objects.equals(p.containerID, result.containerID))
        .filter(p -> Objects.equals(reasonOf(p.message), reasonOf(result.message)))
        .isPresent();
  }

  /** Failure messages start with the reason tag ("ContainerBusy: ..."). */
  private static String reasonOf(String message) {
    if (message == null) {
      return null;
    }
    int colon = message.indexOf(':');
    return colon < 0 ? message : message.substring(0, colon);
  }

  private static Optional<ContainerEvent> event(
      String namespace,
      ContainerTarget target,
      Type type,
      String reason,
      String action,
      String message) {
    return Optional.of(
        new ContainerEvent(
            namespace,
            target.podName(),
            target.podUid(),
            target.container(),
            target.containerId(),
            type,
            reason,
            action,
            Messages.bounded(message)));
  }

  private static Optional<ContainerEvent> event(
      String namespace,
      ContainerResult previous,
      String containerId,
      Type type,
      String reason,
      String action,
      String message) {
    return Optional.of(
        new ContainerEvent(
            namespace,
            previous.pod,
            previous.podUID,
            previous.container,
            containerId,
            type,
            reason,
            action,
            Messages.bounded(message)));
  }
}
