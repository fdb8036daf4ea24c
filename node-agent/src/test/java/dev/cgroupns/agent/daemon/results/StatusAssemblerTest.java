package dev.cgroupns.agent.daemon.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.AtCreationState;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusAssemblerTest {
  private static final Instant T1 = Instant.parse("2026-11-29T07:00:00.123Z");
  private static final Instant T2 = Instant.parse("2026-11-29T07:05:00Z");

  @Test
  void lastTransitionTimeMovesOnlyWhenThePhaseDoes() {
    CgroupIsolationNodeStatus first =
        StatusAssembler.assemble(
            null,
            List.of(result("a", ContainerPhase.Pending), result("b", ContainerPhase.Pending)),
            1L,
            "agent",
            null,
            null,
            T1);
    assertThat(first.containers)
        .extracting(r -> r.lastTransitionTime)
        .containsOnly("2026-11-29T07:00:00Z");

    CgroupIsolationNodeStatus second =
        StatusAssembler.assemble(
            first,
            List.of(result("a", ContainerPhase.Pending), result("b", ContainerPhase.Isolated)),
            1L,
            "agent",
            null,
            null,
            T2);

    assertThat(second.containers.get(0).lastTransitionTime).isEqualTo("2026-11-29T07:00:00Z");
    assertThat(second.containers.get(1).lastTransitionTime).isEqualTo("2026-11-29T07:05:00Z");
    assertThat(StatusComparison.sameApartFromLastVerified(first, second)).isFalse();
  }

  @Test
  void countsEveryPhaseAndLeavesRevertedOutOfMatched() {
    List<ContainerResult> results = new ArrayList<>();
    int i = 0;
    for (ContainerPhase phase : ContainerPhase.values()) {
      results.add(result("p" + i++, phase));
    }
    results.add(result("p" + i, ContainerPhase.Isolated));

    CgroupIsolationNodeStatus status =
        StatusAssembler.assemble(null, results, 3L, "agent", "2026-11-29T07:00:00Z", null, T1);

    assertThat(status.observedGeneration).isEqualTo(3L);
    assertThat(status.agent).isEqualTo("agent");
    assertThat(status.summary.matched).isEqualTo(results.size() - 1);
    assertThat(status.summary.isolated).isEqualTo(2);
    assertThat(status.summary.alreadyPrivate).isEqualTo(1);
    assertThat(status.summary.wouldChange).isEqualTo(1);
    assertThat(status.summary.pending).isEqualTo(1);
    assertThat(status.summary.failed).isEqualTo(1);
    assertThat(status.summary.reverted).isEqualTo(1);
  }

  @Test
  void entriesAreSortedOnePerSlotAndMessagesBounded() {
    ContainerResult early = result("b", ContainerPhase.Pending);
    ContainerResult late = result("b", ContainerPhase.Isolated);
    late.message = "m\n".repeat(400);
    CgroupIsolationNodeStatus status =
        StatusAssembler.assemble(
            null,
            List.of(early, result("a", ContainerPhase.Isolated), late),
            1L,
            "x",
            null,
            null,
            T1);

    assertThat(status.containers).extracting(r -> r.pod).containsExactly("a", "b");
    assertThat(status.containers.get(1).phase).isEqualTo(ContainerPhase.Isolated);
    assertThat(status.containers.get(1).message).hasSizeLessThanOrEqualTo(Messages.MAX_CHARS);
  }

  @Test
  void atMostTheSchemasNumberOfEntriesFailuresFirst() {
    List<ContainerResult> results = new ArrayList<>();
    for (int i = 0; i < CgroupIsolationNodeStatus.MAX_CONTAINERS + 10; i++) {
      results.add(result(String.format("p%05d", i), ContainerPhase.Isolated));
    }
    results.add(result("zzz", ContainerPhase.Failed));

    CgroupIsolationNodeStatus status =
        StatusAssembler.assemble(null, results, 1L, "x", null, null, T1);

    assertThat(status.containers).hasSize(CgroupIsolationNodeStatus.MAX_CONTAINERS);
    assertThat(status.containers).extracting(r -> r.pod).contains("zzz");
  }

  @Test
  void lastVerifiedAloneIsNotAChange() {
    List<ContainerResult> results = List.of(result("a", ContainerPhase.Isolated));
    CgroupIsolationNodeStatus one =
        StatusAssembler.assemble(null, results, 1L, "x", "t1", null, T1);
    CgroupIsolationNodeStatus two = StatusAssembler.assemble(one, results, 1L, "x", "t2", null, T2);

    assertThat(StatusComparison.sameApartFromLastVerified(one, two)).isTrue();
    assertThat(StatusComparison.sameApartFromLastVerified(one, null)).isFalse();
  }

  @Test
  void theAtCreationStateIsCarriedBoundedAndAChangeOfItIsAChange() {
    List<ContainerResult> results = List.of(result("a", ContainerPhase.Isolated));
    CgroupIsolationNodeStatus active =
        StatusAssembler.assemble(null, results, 1L, "x", "t1", new AtCreationState(true, null), T1);
    CgroupIsolationNodeStatus refused =
        StatusAssembler.assemble(
            active,
            results,
            1L,
            "x",
            "t1",
            new AtCreationState(false, "the runtime refused\n" + "x".repeat(1000)),
            T2);

    assertThat(active.atCreation.active).isTrue();
    assertThat(active.atCreation.reason).isNull();
    assertThat(refused.atCreation.active).isFalse();
    assertThat(refused.atCreation.reason)
        .startsWith("the runtime refused x")
        .hasSizeLessThanOrEqualTo(AtCreationState.MAX_REASON);
    assertThat(StatusComparison.sameApartFromLastVerified(active, refused)).isFalse();
    CgroupIsolationNodeStatus unsaid =
        StatusAssembler.assemble(active, results, 1L, "x", "t1", null, T2);
    assertThat(unsaid.atCreation).isNull();
    assertThat(StatusComparison.sameApartFromLastVerified(active, unsaid)).isFalse();
  }

  private static ContainerResult result(String pod, ContainerPhase phase) {
    ContainerResult r = new ContainerResult();
    r.pod = pod;
    r.podUID = "uid-" + pod;
    r.container = "main";
    r.phase = phase;
    r.message = phase.name();
    return r;
  }
}
