package dev.cgroupns.operator.status;

import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.operator.validation.Violation;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Turns a verdict into the kstatus conditions Ready, Reconciling and Stalled, so that Flux, Argo CD
 * and kubectl wait can tell progress from failure.
 *
 * <p>Each condition carries the generation it describes. {@code lastTransitionTime} moves only when
 * a condition's status flips: a new message or reason alone keeps the old time, so the status is
 * not rewritten (and watchers are not woken) on every reconciliation.
 */
public final class ConditionCalculator {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";

  public static final String REASON_ISOLATED = "Isolated";
  public static final String REASON_AUDIT_COMPLETE = "AuditComplete";
  public static final String REASON_NO_MATCHING_PODS = "NoMatchingPods";
  public static final String REASON_WAITING_FOR_AGENTS = "WaitingForAgents";
  public static final String REASON_REVERTING_DESELECTED = "RevertingDeselected";
  public static final String REASON_CONTAINERS_FAILED = "ContainersFailed";
  public static final String REASON_RECONCILE_FAILED = "ReconcileFailed";
  public static final String REASON_RETRYING = "RetryingAfterError";

  // Short enough that three conditions keep the status small, long enough for every violation.
  static final int MAX_MESSAGE = 2048;

  private ConditionCalculator() {}

  /** A refused resource: Stalled, reason from the most basic violation, all messages joined. */
  public static Verdict refused(List<Violation> violations) {
    Violation.Kind kind =
        violations.stream()
            .map(Violation::kind)
            .min(Comparator.naturalOrder())
            .orElseThrow(() -> new IllegalArgumentException("no violations"));
    return Verdict.stalled(
        kind.name(), violations.stream().map(Violation::message).collect(Collectors.joining("; ")));
  }

  /**
   * A reconciliation that threw (API errors, timeouts): Reconciling while the framework retries,
   * Stalled once the retries are used up (the next event or the periodic resync tries again).
   */
  public static Verdict failed(Exception error, boolean lastAttempt) {
    String message =
        "could not reconcile: "
            + (error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage());
    return lastAttempt
        ? Verdict.stalled(REASON_RECONCILE_FAILED, message + "; retries exhausted")
        : Verdict.reconciling(REASON_RETRYING, message + "; retrying");
  }

  /** Judges aggregated results: failures stall, pending work reconciles, otherwise ready. */
  public static Verdict verdict(Aggregate aggregate, IsolationMode mode) {
    if (aggregate.pending() > 0) {
      return Verdict.reconciling(
          REASON_WAITING_FOR_AGENTS,
          aggregate.pending()
              + " of "
              + aggregate.matched()
              + " containers not yet reported; "
              + aggregate.nodesNotReporting()
              + " node(s) have not acted on the current instructions");
    }
    if (aggregate.failed() > 0) {
      return Verdict.stalled(
          REASON_CONTAINERS_FAILED,
          aggregate.failed()
              + " of "
              + aggregate.matched()
              + " containers could not be "
              + (mode == IsolationMode.Audit ? "inspected" : "isolated")
              + "; see status.problems");
    }
    if (aggregate.nodesReverting() > 0) {
      return Verdict.reconciling(
          REASON_REVERTING_DESELECTED,
          aggregate.nodesReverting() + " node(s) still reverting pods that are no longer selected");
    }
    if (aggregate.matched() == 0) {
      return Verdict.ready(
          REASON_NO_MATCHING_PODS, "the selector matches no pod that may be isolated");
    }
    var status = aggregate.status();
    if (mode == IsolationMode.Audit) {
      return Verdict.ready(
          REASON_AUDIT_COMPLETE,
          status.wouldChange
              + " of "
              + status.matched
              + " containers would change under Enforce; nothing was changed");
    }
    return Verdict.ready(
        REASON_ISOLATED,
        status.isolated
            + " of "
            + status.matched
            + " containers isolated, "
            + status.alreadyPrivate
            + " already had a private cgroup namespace");
  }

  /**
   * The three conditions for a verdict, reusing each previous condition's lastTransitionTime when
   * its status did not change.
   */
  public static List<Condition> conditions(
      List<Condition> previous, Verdict verdict, long generation, Instant now) {
    return List.of(
        condition(
            READY, verdict.state() == Verdict.State.READY, verdict, generation, previous, now),
        condition(
            RECONCILING,
            verdict.state() == Verdict.State.RECONCILING,
            verdict,
            generation,
            previous,
            now),
        condition(
            STALLED, verdict.state() == Verdict.State.STALLED, verdict, generation, previous, now));
  }

  private static Condition condition(
      String type,
      boolean isTrue,
      Verdict verdict,
      long generation,
      List<Condition> previous,
      Instant now) {
    String status = isTrue ? "True" : "False";
    String transition =
        previous == null
            ? null
            : previous.stream()
                .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    if (transition == null) {
      transition = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    }
    String message = verdict.message();
    if (message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE - 3) + "...";
    }
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(verdict.reason())
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build();
  }
}
