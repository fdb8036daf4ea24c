package dev.cgroupns.agent.daemon.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.daemon.engine.EngineOutcome.Kind;
import dev.cgroupns.agent.daemon.events.ContainerEvent.Type;
import dev.cgroupns.agent.daemon.results.ContainerResults;
import dev.cgroupns.agent.daemon.targets.ContainerTarget;
import dev.cgroupns.agent.daemon.targets.RevertTarget;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerEventsTest {
  private static final String UID = "6f1c2a9e-3b7d-4c1e-9a55-0d2b8f7e4c11";
  private static final String ID = "ab".repeat(32);
  private static final ContainerTarget TARGET =
      new ContainerTarget("web-1", UID, "app", "containerd://" + ID, ID, true, false);

  private static ContainerResult result(ContainerPhase phase, String message) {
    return ContainerResults.of(TARGET, phase, message);
  }

  private static Optional<ContainerEvent> applied(
      Kind kind, ContainerResult previous, ContainerResult now, boolean drift) {
    return ContainerEvents.applied(
        "team", "web", TARGET, kind, Optional.ofNullable(previous), now, drift);
  }

  @Test
  void isolatingNowIsANormalEventOnThePodNamingTheContainer() {
    ContainerEvent event =
        applied(Kind.ISOLATED, null, result(ContainerPhase.Isolated, "isolated"), false)
            .orElseThrow();
    assertThat(event.type()).isEqualTo(Type.Normal);
    assertThat(event.reason()).isEqualTo(ContainerEvents.ISOLATED);
    assertThat(event.namespace()).isEqualTo("team");
    assertThat(event.pod()).isEqualTo("web-1");
    assertThat(event.podUid()).isEqualTo(UID);
    assertThat(event.container()).isEqualTo("app");
    assertThat(event.message()).contains("container app", "read-only", "CgroupIsolation web");
  }

  @Test
  void findingItAlreadyIsolatedOrAuditingIsNoEvent() {
    ContainerResult isolated = result(ContainerPhase.Isolated, "isolated");
    assertThat(applied(Kind.ALREADY_ISOLATED, isolated, isolated, false)).isEmpty();
    // After an agent restart without any status: still not a transition the agent made.
    assertThat(applied(Kind.ALREADY_ISOLATED, null, isolated, false)).isEmpty();
    assertThat(
            applied(Kind.ALREADY_PRIVATE, null, result(ContainerPhase.AlreadyPrivate, "p"), false))
        .isEmpty();
    ContainerTarget audit =
        new ContainerTarget("web-1", UID, "app", "containerd://" + ID, ID, true, true);
    assertThat(
            ContainerEvents.applied(
                "team",
                "web",
                audit,
                Kind.WOULD_CHANGE,
                Optional.empty(),
                result(ContainerPhase.WouldChange, "audit"),
                false))
        .isEmpty();
  }

  @Test
  void driftRepairedIsAWarning() {
    ContainerResult isolated = result(ContainerPhase.Isolated, "isolated");
    ContainerEvent event = applied(Kind.ISOLATED, isolated, isolated, true).orElseThrow();
    assertThat(event.type()).isEqualTo(Type.Warning);
    assertThat(event.reason()).isEqualTo(ContainerEvents.DRIFT_REPAIRED);
  }

  @Test
  void aFailureIsReportedOnceUntilItsReasonChanges() {
    ContainerResult busy = result(ContainerPhase.Failed, "ContainerBusy: another agent holds it");
    ContainerEvent first = applied(Kind.FAILED, null, busy, false).orElseThrow();
    assertThat(first.type()).isEqualTo(Type.Warning);
    assertThat(first.reason()).isEqualTo(ContainerEvents.ISOLATION_FAILED);
    assertThat(first.message()).contains("container app", "ContainerBusy: another agent holds it");

    ContainerResult busyAgain = result(ContainerPhase.Failed, "ContainerBusy: held by pid 42");
    assertThat(applied(Kind.FAILED, busy, busyAgain, false)).isEmpty();

    ContainerResult refused = result(ContainerPhase.Failed, "Refused: mount changed");
    assertThat(applied(Kind.FAILED, busy, refused, false)).isPresent();
    // Isolated in between: failing again is a new transition.
    ContainerResult isolated = result(ContainerPhase.Isolated, "isolated");
    assertThat(applied(Kind.FAILED, isolated, busy, false)).isPresent();
  }

  @Test
  void revertedAndAFirstRevertFailureAreEvents() {
    ContainerResult isolated = result(ContainerPhase.Isolated, "isolated");
    RevertTarget target = new RevertTarget(ID, isolated);
    ContainerEvent reverted =
        ContainerEvents.reverted(
                "team",
                "web",
                target,
                Kind.REVERTED,
                Optional.of(result(ContainerPhase.Reverted, "reverted")))
            .orElseThrow();
    assertThat(reverted.type()).isEqualTo(Type.Normal);
    assertThat(reverted.reason()).isEqualTo(ContainerEvents.REVERTED);
    assertThat(reverted.pod()).isEqualTo("web-1");
    assertThat(reverted.container()).isEqualTo("app");

    ContainerResult failed =
        result(ContainerPhase.Isolated, "revert failed, still as before: MountFailed: EBUSY");
    assertThat(
            ContainerEvents.reverted("team", "web", target, Kind.FAILED, Optional.of(failed))
                .map(ContainerEvent::reason))
        .contains(ContainerEvents.REVERT_FAILED);
    RevertTarget again = new RevertTarget(ID, failed);
    assertThat(ContainerEvents.reverted("team", "web", again, Kind.FAILED, Optional.of(failed)))
        .isEmpty();
    // The container was gone: nothing is reported.
    assertThat(ContainerEvents.reverted("team", "web", target, Kind.FAILED, Optional.empty()))
        .isEmpty();
  }

  @Test
  void nothingToRevertIsNoEvent() {
    RevertTarget target = new RevertTarget(ID, result(ContainerPhase.Isolated, "isolated"));
    assertThat(
            ContainerEvents.reverted(
                "team",
                "web",
                target,
                Kind.NOTHING_TO_REVERT,
                Optional.of(result(ContainerPhase.Reverted, "nothing recorded"))))
        .isEmpty();
  }
}
