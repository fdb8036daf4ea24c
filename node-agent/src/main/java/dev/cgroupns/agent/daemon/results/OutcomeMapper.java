package dev.cgroupns.agent.daemon.results;

import dev.cgroupns.agent.daemon.engine.ContainerFacts;
import dev.cgroupns.agent.daemon.engine.EngineOutcome;
import dev.cgroupns.agent.daemon.engine.FailureReason;
import dev.cgroupns.agent.daemon.targets.ContainerTarget;
import dev.cgroupns.agent.daemon.targets.RevertTarget;
import dev.cgroupns.agent.inspect.CgroupNamespace;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.IsolatedBy;
import java.util.Objects;
import java.util.Optional;

/**
 * Maps the engine's outcomes to container results. Pure. Messages are fixed sentences where the
 * outcome allows, so that re-verifying an unchanged container produces an identical result and no
 * status write.
 */
public final class OutcomeMapper {
  static final String ISOLATED_RO =
      "isolated read-only: its cgroupfs mounts show only its own subtree; running processes keep"
          + " their /proc/self/cgroup lines";
  static final String ISOLATED_RW =
      "isolated read-write: its cgroupfs mounts show only its own subtree; running processes keep"
          + " their /proc/self/cgroup lines";
  static final String DRIFT_REPAIRED =
      "drift repaired: its cgroupfs mounts had been changed since it was isolated; isolated again";
  static final String ALREADY_PRIVATE =
      "its runtime gave it a private cgroup namespace; left untouched";
  static final String AT_CREATION_RO =
      "isolated at creation, read-only: created in a cgroup namespace of its own, so"
          + " /proc/self/cgroup shows / and its cgroupfs is rooted at its own cgroup";
  static final String AT_CREATION_RW =
      "isolated at creation, read-write: created in a cgroup namespace of its own, so"
          + " /proc/self/cgroup shows / and its cgroupfs is rooted at its own cgroup";
  static final String NO_MOUNTS =
      "it has no cgroupfs mount, so it sees no cgroup tree; nothing to change";
  static final String REVERTED = "reverted: the runtime's original cgroupfs mounts are back";
  static final String NOTHING_RECORDED =
      "nothing was recorded for it on this node; nothing to revert";

  private OutcomeMapper() {}

  /** A result and whether it repaired drift. */
  public record Mapped(ContainerResult result, boolean driftRepaired) {}

  /**
   * The result of isolating (or auditing) a target.
   *
   * @param previous the container slot's result from the last pass, if any
   * @param sameInstructions whether the previous result answered the same instructions (same
   *     generation): only then is a fresh isolation of an isolated container drift
   * @param atCreation whether this agent had the runtime create the container in a cgroup namespace
   *     of its own (NRI): its private namespace is then this agent's isolation
   */
  public static Mapped applied(
      ContainerTarget target,
      EngineOutcome outcome,
      Optional<ContainerResult> previous,
      boolean sameInstructions,
      boolean atCreation) {
    boolean wasIsolated =
        previous
            .filter(p -> p.phase == ContainerPhase.Isolated)
            .filter(p -> Objects.equals(p.containerID, target.statusContainerId()))
            .isPresent();
    boolean drift = false;
    ContainerPhase phase;
    String message;
    IsolatedBy isolatedBy = null;
    switch (outcome.kind()) {
      case ISOLATED -> {
        phase = ContainerPhase.Isolated;
        isolatedBy = IsolatedBy.Remounted;
        drift = wasIsolated && sameInstructions && !target.audit();
        message = drift ? DRIFT_REPAIRED : target.readOnly() ? ISOLATED_RO : ISOLATED_RW;
      }
      case ALREADY_ISOLATED -> {
        phase = ContainerPhase.Isolated;
        isolatedBy = IsolatedBy.Remounted;
        // Keep the earlier sentence (e.g. "drift repaired"): nothing new happened.
        message =
            wasIsolated ? previous.get().message : target.readOnly() ? ISOLATED_RO : ISOLATED_RW;
      }
      case ALREADY_PRIVATE -> {
        if (atCreation) {
          phase = ContainerPhase.Isolated;
          isolatedBy = IsolatedBy.AtCreation;
          message = target.readOnly() ? AT_CREATION_RO : AT_CREATION_RW;
        } else {
          phase = ContainerPhase.AlreadyPrivate;
          message = ALREADY_PRIVATE;
        }
      }
      case NO_CGROUP_MOUNTS -> {
        phase = ContainerPhase.Isolated;
        isolatedBy = atCreation ? IsolatedBy.AtCreation : null;
        message = NO_MOUNTS;
      }
      case WOULD_CHANGE -> {
        phase = ContainerPhase.WouldChange;
        message = "audit, nothing changed; Enforce would " + orDefault(outcome.detail());
      }
      case FAILED -> {
        phase = ContainerPhase.Failed;
        message = failure(outcome.failure(), outcome.detail());
      }
      default -> {
        phase = ContainerPhase.Failed;
        message = "unexpected engine answer " + outcome.kind() + " to isolate";
      }
    }
    ContainerResult result = ContainerResults.of(target, phase, message);
    result.isolatedBy = isolatedBy;
    withFacts(result, outcome, previous.orElse(null));
    return new Mapped(result, drift);
  }

  /**
   * The result of reverting a container; empty when the container turned out to be gone (nothing is
   * left to report about it).
   */
  public static Optional<ContainerResult> reverted(RevertTarget target, EngineOutcome outcome) {
    ContainerResult previous = target.previous();
    ContainerResult result;
    switch (outcome.kind()) {
      case REVERTED ->
          result = ContainerResults.withPhase(previous, ContainerPhase.Reverted, REVERTED);
      case NOTHING_TO_REVERT ->
          result = ContainerResults.withPhase(previous, ContainerPhase.Reverted, NOTHING_RECORDED);
      case FAILED -> {
        if (outcome.failure() == FailureReason.ContainerNotFound
            || outcome.failure() == FailureReason.ContainerVanished) {
          return Optional.empty();
        }
        // The container keeps whatever phase it had: a failed revert leaves it isolated, and the
        // status must not claim otherwise.
        result =
            ContainerResults.withPhase(
                previous,
                previous.phase,
                "revert failed, still as before: " + failure(outcome.failure(), outcome.detail()));
      }
      default ->
          result =
              ContainerResults.withPhase(
                  previous,
                  previous.phase,
                  "revert failed: unexpected engine answer " + outcome.kind());
    }
    withFacts(result, outcome, null);
    return Optional.of(result);
  }

  static String failure(FailureReason reason, String detail) {
    return reason.tag() + ": " + orDefault(detail);
  }

  private static String orDefault(String detail) {
    return detail == null || detail.isBlank() ? "(no detail)" : detail;
  }

  /** Copies what the kernel showed; keeps earlier facts where the engine could not tell. */
  private static void withFacts(
      ContainerResult result, EngineOutcome outcome, ContainerResult previous) {
    ContainerFacts facts = outcome.facts();
    if (outcome.pid() != null) {
      result.pid = outcome.pid();
    }
    if (facts.cgroupVersion() != null) {
      result.cgroupVersion = facts.cgroupVersion();
    }
    if (!facts.hostCgroupPaths().isEmpty()) {
      result.hostCgroupPaths = facts.hostCgroupPaths();
    }
    if (facts.view() != null) {
      result.view = facts.view();
    }
    if (facts.namespace() != CgroupNamespace.UNKNOWN) {
      result.privateNamespace = facts.namespace().asPrivateFlag();
    }
    if (facts.mountState() != null) {
      result.mountState = facts.mountState();
    }
    boolean sameContainer =
        previous != null && Objects.equals(previous.containerID, result.containerID);
    if (sameContainer && result.view == null && result.cgroupVersion == null) {
      result.pid = result.pid == null ? previous.pid : result.pid;
      result.cgroupVersion = previous.cgroupVersion;
      result.hostCgroupPaths = previous.hostCgroupPaths;
      result.view = previous.view;
      result.privateNamespace = previous.privateNamespace;
      result.mountState = previous.mountState;
    }
  }
}
