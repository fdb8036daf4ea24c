package dev.cgroupns.agent.daemon.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.daemon.engine.ContainerFacts;
import dev.cgroupns.agent.daemon.engine.EngineOutcome;
import dev.cgroupns.agent.daemon.engine.EngineOutcome.Kind;
import dev.cgroupns.agent.daemon.engine.FailureReason;
import dev.cgroupns.agent.daemon.targets.ContainerTarget;
import dev.cgroupns.agent.daemon.targets.RevertTarget;
import dev.cgroupns.agent.inspect.CgroupNamespace;
import dev.cgroupns.api.v1alpha1.CgroupPaths;
import dev.cgroupns.api.v1alpha1.CgroupVersion;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.IsolatedBy;
import dev.cgroupns.api.v1alpha1.MountState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutcomeMapperTest {
  private static final String ID = "a".repeat(64);
  private static final String UID = "11111111-1111-1111-1111-111111111111";
  private static final ContainerTarget TARGET =
      new ContainerTarget("app", UID, "main", "containerd://" + ID, ID, true, false);
  private static final ContainerFacts FACTS =
      new ContainerFacts(
          CgroupVersion.Hybrid,
          List.of(new CgroupPaths("/kubepods/pod" + UID + "/" + ID)),
          null,
          CgroupNamespace.HOST,
          MountState.ReadOnly);

  @Test
  void aPrivateNamespaceThisAgentAskedForAtCreationIsItsIsolation() {
    ContainerFacts privateFacts =
        new ContainerFacts(CgroupVersion.Hybrid, List.of(), null, CgroupNamespace.PRIVATE, null);
    EngineOutcome outcome = EngineOutcome.of(Kind.ALREADY_PRIVATE, 42L, privateFacts, "");

    ContainerResult atCreation =
        OutcomeMapper.applied(TARGET, outcome, Optional.empty(), false, true).result();
    assertThat(atCreation.phase).isEqualTo(ContainerPhase.Isolated);
    assertThat(atCreation.isolatedBy).isEqualTo(IsolatedBy.AtCreation);
    assertThat(atCreation.message).startsWith("isolated at creation, read-only");
    assertThat(atCreation.privateNamespace).isTrue();

    ContainerResult runtimes =
        OutcomeMapper.applied(TARGET, outcome, Optional.empty(), false, false).result();
    assertThat(runtimes.phase).isEqualTo(ContainerPhase.AlreadyPrivate);
    assertThat(runtimes.isolatedBy).isNull();
  }

  @Test
  void aRemountIsSaidToBeOne() {
    for (Kind kind : List.of(Kind.ISOLATED, Kind.ALREADY_ISOLATED)) {
      ContainerResult r =
          OutcomeMapper.applied(
                  TARGET, EngineOutcome.of(kind, 42L, FACTS, ""), Optional.empty(), false, false)
              .result();
      assertThat(r.isolatedBy).as(kind.name()).isEqualTo(IsolatedBy.Remounted);
    }
  }

  @Test
  void aFreshIsolationIsIsolatedWithTheKernelsFacts() {
    OutcomeMapper.Mapped mapped =
        OutcomeMapper.applied(
            TARGET,
            EngineOutcome.of(Kind.ISOLATED, 42L, FACTS, ""),
            Optional.empty(),
            false,
            false);

    ContainerResult r = mapped.result();
    assertThat(mapped.driftRepaired()).isFalse();
    assertThat(r.phase).isEqualTo(ContainerPhase.Isolated);
    assertThat(r.message).startsWith("isolated read-only");
    assertThat(r.pid).isEqualTo(42L);
    assertThat(r.mountState).isEqualTo(MountState.ReadOnly);
    assertThat(r.hostCgroupPaths).hasSize(1);
    assertThat(r.containerID).isEqualTo("containerd://" + ID);
    assertThat(r.podUID).isEqualTo(UID);
  }

  @Test
  void isolatingAgainWhatWasIsolatedUnderTheSameInstructionsIsDrift() {
    ContainerResult before = isolated("containerd://" + ID);
    EngineOutcome changed = EngineOutcome.of(Kind.ISOLATED, 42L, FACTS, "");

    assertThat(
            OutcomeMapper.applied(TARGET, changed, Optional.of(before), true, false)
                .driftRepaired())
        .isTrue();
    assertThat(
            OutcomeMapper.applied(TARGET, changed, Optional.of(before), true, false)
                .result()
                .message)
        .startsWith("drift repaired");
    // New instructions (read-write to read-only, say) or a new container are not drift.
    assertThat(
            OutcomeMapper.applied(TARGET, changed, Optional.of(before), false, false)
                .driftRepaired())
        .isFalse();
    assertThat(
            OutcomeMapper.applied(
                    TARGET,
                    changed,
                    Optional.of(isolated("containerd://" + "b".repeat(64))),
                    true,
                    false)
                .driftRepaired())
        .isFalse();
  }

  @Test
  void alreadyIsolatedKeepsTheEarlierSentenceAndFactsSoNothingNeedsWriting() {
    ContainerResult before = isolated("containerd://" + ID);
    before.message = "drift repaired: earlier";
    before.cgroupVersion = CgroupVersion.V1;
    before.pid = 7L;

    ContainerResult r =
        OutcomeMapper.applied(
                TARGET,
                EngineOutcome.of(Kind.ALREADY_ISOLATED, null, null, ""),
                Optional.of(before),
                true,
                false)
            .result();

    assertThat(r.phase).isEqualTo(ContainerPhase.Isolated);
    assertThat(r.message).isEqualTo("drift repaired: earlier");
    assertThat(r.cgroupVersion).isEqualTo(CgroupVersion.V1);
    assertThat(r.pid).isEqualTo(7L);
  }

  @Test
  void everyOtherOutcomeHasItsPhase() {
    assertThat(phaseOf(EngineOutcome.of(Kind.ALREADY_PRIVATE, 1L, null, "")))
        .isEqualTo(ContainerPhase.AlreadyPrivate);
    assertThat(phaseOf(EngineOutcome.of(Kind.NO_CGROUP_MOUNTS, 1L, null, "")))
        .isEqualTo(ContainerPhase.Isolated);
    assertThat(phaseOf(EngineOutcome.of(Kind.WOULD_CHANGE, 1L, null, "remount /sys/fs/cgroup")))
        .isEqualTo(ContainerPhase.WouldChange);
    assertThat(phaseOf(EngineOutcome.of(Kind.REVERTED, 1L, null, "")))
        .isEqualTo(ContainerPhase.Failed);
    ContainerResult failed =
        OutcomeMapper.applied(
                TARGET,
                EngineOutcome.failed(FailureReason.ContainerBusy, 1L, null, "lock held"),
                Optional.empty(),
                false,
                false)
            .result();
    assertThat(failed.phase).isEqualTo(ContainerPhase.Failed);
    assertThat(failed.message).isEqualTo("ContainerBusy: lock held");
  }

  @Test
  void aFailureMessageIsBoundedWhateverTheEngineSaid() {
    ContainerResult failed =
        OutcomeMapper.applied(
                TARGET,
                EngineOutcome.failed(FailureReason.MountFailed, 1L, null, "EPERM ".repeat(500)),
                Optional.empty(),
                false,
                false)
            .result();
    assertThat(failed.message).hasSizeLessThanOrEqualTo(Messages.MAX_CHARS);
  }

  @Test
  void revertOutcomes() {
    RevertTarget target = new RevertTarget(ID, isolated("containerd://" + ID));

    assertThat(
            OutcomeMapper.reverted(target, EngineOutcome.of(Kind.REVERTED, 1L, null, ""))
                .orElseThrow()
                .phase)
        .isEqualTo(ContainerPhase.Reverted);
    assertThat(
            OutcomeMapper.reverted(target, EngineOutcome.of(Kind.NOTHING_TO_REVERT, 1L, null, ""))
                .orElseThrow()
                .phase)
        .isEqualTo(ContainerPhase.Reverted);
    ContainerResult stillIsolated =
        OutcomeMapper.reverted(
                target, EngineOutcome.failed(FailureReason.RevertFailed, 1L, null, "EBUSY"))
            .orElseThrow();
    assertThat(stillIsolated.phase).isEqualTo(ContainerPhase.Isolated);
    assertThat(stillIsolated.message).startsWith("revert failed").contains("EBUSY");
    assertThat(
            OutcomeMapper.reverted(
                target, EngineOutcome.failed(FailureReason.ContainerVanished, 1L, null, "exited")))
        .isEmpty();
  }

  private static ContainerPhase phaseOf(EngineOutcome outcome) {
    return OutcomeMapper.applied(TARGET, outcome, Optional.empty(), false, false).result().phase;
  }

  private static ContainerResult isolated(String containerId) {
    ContainerResult r = new ContainerResult();
    r.pod = "app";
    r.podUID = UID;
    r.container = "main";
    r.containerID = containerId;
    r.phase = ContainerPhase.Isolated;
    r.message = OutcomeMapper.ISOLATED_RO;
    return r;
  }
}
