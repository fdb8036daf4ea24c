package dev.cgroupns.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.CgroupIsolationStatus;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.operator.validation.Violation;
import dev.cgroupns.operator.validation.Violation.Kind;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionCalculatorTest {
  private static final Instant T0 = Instant.parse("2026-11-29T07:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-29T07:05:00Z");

  private static Aggregate aggregate(
      int matched, int isolated, int pending, int failed, int reverting) {
    CgroupIsolationStatus status = new CgroupIsolationStatus();
    status.matched = matched;
    status.isolated = isolated;
    status.alreadyPrivate = 0;
    status.wouldChange = isolated;
    status.pending = pending;
    status.failed = failed;
    return new Aggregate(status, pending > 0 ? 1 : 0, reverting);
  }

  private static Condition get(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void verdictsFollowTheResults() {
    assertThat(ConditionCalculator.verdict(aggregate(3, 3, 0, 0, 0), IsolationMode.Enforce))
        .isEqualTo(
            Verdict.ready(
                "Isolated",
                "3 of 3 containers isolated, 0 already had a private cgroup namespace"));
    assertThat(ConditionCalculator.verdict(aggregate(3, 3, 0, 0, 0), IsolationMode.Audit).reason())
        .isEqualTo("AuditComplete");
    assertThat(ConditionCalculator.verdict(aggregate(3, 1, 2, 0, 0), IsolationMode.Enforce))
        .extracting(Verdict::state, Verdict::reason)
        .containsExactly(Verdict.State.RECONCILING, "WaitingForAgents");
    // Failures while others are still pending: still progressing.
    assertThat(ConditionCalculator.verdict(aggregate(3, 0, 2, 1, 0), IsolationMode.Enforce).state())
        .isEqualTo(Verdict.State.RECONCILING);
    assertThat(ConditionCalculator.verdict(aggregate(3, 2, 0, 1, 0), IsolationMode.Enforce))
        .extracting(Verdict::state, Verdict::reason)
        .containsExactly(Verdict.State.STALLED, "ContainersFailed");
    assertThat(
            ConditionCalculator.verdict(aggregate(3, 3, 0, 0, 1), IsolationMode.Enforce).reason())
        .isEqualTo("RevertingDeselected");
    assertThat(ConditionCalculator.verdict(aggregate(0, 0, 0, 0, 0), IsolationMode.Enforce))
        .extracting(Verdict::state, Verdict::reason)
        .containsExactly(Verdict.State.READY, "NoMatchingPods");
  }

  @Test
  void refusalNamesTheMostBasicViolationAndJoinsAllMessages() {
    Verdict verdict =
        ConditionCalculator.refused(
            List.of(
                new Violation(Kind.ReadWriteNotPermitted, "not permitted"),
                new Violation(Kind.InvalidSpec, "bad key")));
    assertThat(verdict.state()).isEqualTo(Verdict.State.STALLED);
    assertThat(verdict.reason()).isEqualTo("InvalidSpec");
    assertThat(verdict.message()).isEqualTo("not permitted; bad key");
    assertThat(
            ConditionCalculator.refused(
                    List.of(new Violation(Kind.ReadWriteNotPermitted, "not permitted")))
                .reason())
        .isEqualTo("ReadWriteNotPermitted");
  }

  @Test
  void exactlyOneConditionIsTrueAndAllCarryTheGeneration() {
    List<Condition> conditions =
        ConditionCalculator.conditions(
            List.of(), Verdict.reconciling("WaitingForAgents", "2 pending"), 7, T0);
    assertThat(conditions)
        .extracting(Condition::getType)
        .containsExactly("Ready", "Reconciling", "Stalled");
    assertThat(get(conditions, "Reconciling").getStatus()).isEqualTo("True");
    assertThat(get(conditions, "Ready").getStatus()).isEqualTo("False");
    assertThat(get(conditions, "Stalled").getStatus()).isEqualTo("False");
    assertThat(conditions).allMatch(c -> c.getObservedGeneration() == 7L);
    assertThat(conditions)
        .allMatch(c -> c.getLastTransitionTime().equals("2026-11-29T07:00:00Z"))
        .allMatch(c -> c.getReason().equals("WaitingForAgents"));
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusFlips() {
    List<Condition> waiting =
        ConditionCalculator.conditions(
            null, Verdict.reconciling("WaitingForAgents", "2 pending"), 1, T0);
    List<Condition> stillWaiting =
        ConditionCalculator.conditions(
            waiting, Verdict.reconciling("WaitingForAgents", "1 pending"), 2, T1);
    assertThat(stillWaiting)
        .allMatch(c -> c.getLastTransitionTime().equals("2026-11-29T07:00:00Z"));
    assertThat(get(stillWaiting, "Reconciling").getMessage()).isEqualTo("1 pending");
    assertThat(stillWaiting).allMatch(c -> c.getObservedGeneration() == 2L);

    List<Condition> ready =
        ConditionCalculator.conditions(stillWaiting, Verdict.ready("Isolated", "done"), 2, T1);
    assertThat(get(ready, "Ready").getLastTransitionTime()).isEqualTo("2026-11-29T07:05:00Z");
    assertThat(get(ready, "Reconciling").getLastTransitionTime()).isEqualTo("2026-11-29T07:05:00Z");
    // Stalled was False and stays False: its time is kept.
    assertThat(get(ready, "Stalled").getLastTransitionTime()).isEqualTo("2026-11-29T07:00:00Z");
  }

  @Test
  void failedReconciliationsRetryThenStall() {
    Exception error = new IllegalStateException("500 from the API server");
    assertThat(ConditionCalculator.failed(error, false))
        .extracting(Verdict::state, Verdict::reason)
        .containsExactly(Verdict.State.RECONCILING, "RetryingAfterError");
    Verdict stalled = ConditionCalculator.failed(error, true);
    assertThat(stalled.state()).isEqualTo(Verdict.State.STALLED);
    assertThat(stalled.reason()).isEqualTo("ReconcileFailed");
    assertThat(stalled.message()).contains("500 from the API server");
    assertThat(ConditionCalculator.failed(new RuntimeException(), true).message())
        .contains("RuntimeException");
  }

  @Test
  void hugeMessagesAreCut() {
    List<Condition> conditions =
        ConditionCalculator.conditions(
            List.of(), Verdict.stalled("InvalidSpec", "m".repeat(100_000)), 1, T0);
    assertThat(get(conditions, "Stalled").getMessage().length())
        .isLessThanOrEqualTo(ConditionCalculator.MAX_MESSAGE);
  }
}
