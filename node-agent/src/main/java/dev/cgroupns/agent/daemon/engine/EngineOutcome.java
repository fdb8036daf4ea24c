package dev.cgroupns.agent.daemon.engine;

import java.util.Objects;

/**
 * The engine's answer for one container.
 *
 * @param kind what happened
 * @param pid the container's init process, when known
 * @param facts what the kernel shows about the container now
 * @param detail one sentence for people (bounded later, before it reaches the status)
 * @param failure why it failed; non-null exactly when {@code kind} is {@link Kind#FAILED}
 */
public record EngineOutcome(
    Kind kind, Long pid, ContainerFacts facts, String detail, FailureReason failure) {

  public EngineOutcome {
    Objects.requireNonNull(kind, "kind");
    facts = facts == null ? ContainerFacts.unknown() : facts;
    detail = detail == null ? "" : detail;
    if ((kind == Kind.FAILED) != (failure != null)) {
      throw new IllegalArgumentException("a failure reason goes with FAILED, and only with it");
    }
  }

  public static EngineOutcome of(Kind kind, Long pid, ContainerFacts facts, String detail) {
    return new EngineOutcome(kind, pid, facts, detail, null);
  }

  public static EngineOutcome failed(
      FailureReason reason, Long pid, ContainerFacts facts, String detail) {
    return new EngineOutcome(Kind.FAILED, pid, facts, detail, reason);
  }

  /** What happened to the container. */
  public enum Kind {
    /** Its mounts were replaced: it now sees only its own subtree. */
    ISOLATED,
    /** It already saw only its own subtree, with the requested write access; nothing changed. */
    ALREADY_ISOLATED,
    /** Its runtime gave it a private cgroup namespace; left alone. */
    ALREADY_PRIVATE,
    /** It has no cgroupfs mount at all, so it sees no cgroup tree; nothing to change. */
    NO_CGROUP_MOUNTS,
    /** Audit: isolating it would change its mounts; nothing changed. */
    WOULD_CHANGE,
    /** Its original mounts are back. */
    REVERTED,
    /** Nothing was recorded for it, so there was nothing to revert. */
    NOTHING_TO_REVERT,
    /** The engine could not act; the container is as it was. */
    FAILED
  }
}
