package dev.cgroupns.agent.daemon.nri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.daemon.nri.RefusalDetector.Refusal;
import dev.cgroupns.agent.daemon.nri.RefusalDetector.Verdict;
import org.junit.jupiter.api.Test;

class RefusalDetectorTest {
  private static final String POD = "11111111-1111-1111-1111-111111111111";
  private static final String FIRST = "a".repeat(64);
  private static final String RETRY = "b".repeat(64);

  private final RefusalDetector detector = new RefusalDetector();

  @Test
  void aNewCreationOfASlotWhoseAdjustedCreationIsStillPendingIsARefusal() {
    assertThat(detector.creating(POD, "app", FIRST)).isEqualTo(Verdict.PROCEED);
    detector.adjusted(POD, "app", FIRST);

    assertThat(detector.creating(POD, "app", RETRY)).isEqualTo(Verdict.REFUSED_NOW);
    assertThat(detector.refusal()).contains(new Refusal(POD, "app", FIRST));
    assertThat(detector.creating(POD, "other", "c".repeat(64))).isEqualTo(Verdict.REFUSED_BEFORE);
    assertThat(detector.pending()).isZero();
  }

  @Test
  void aCreatedContainerIsNoLongerPending() {
    detector.adjusted(POD, "app", FIRST);
    detector.created(FIRST);
    assertThat(detector.creating(POD, "app", RETRY)).isEqualTo(Verdict.PROCEED);
    assertThat(detector.refusal()).isEmpty();
  }

  @Test
  void otherSlotsAndUnadjustedCreationsAreNoRefusal() {
    detector.adjusted(POD, "app", FIRST);
    assertThat(detector.creating(POD, "sidecar", RETRY)).isEqualTo(Verdict.PROCEED);
    assertThat(detector.creating("22222222-2222-2222-2222-222222222222", "app", RETRY))
        .isEqualTo(Verdict.PROCEED);
    // The same request again (a runtime retrying its own call) is not a new creation.
    assertThat(detector.creating(POD, "app", FIRST)).isEqualTo(Verdict.PROCEED);
    assertThat(detector.refusal()).isEmpty();
  }

  @Test
  void resetForgetsTheRefusalAndWhatWasPending() {
    detector.adjusted(POD, "app", FIRST);
    detector.creating(POD, "app", RETRY);
    detector.adjusted(POD, "x", "c".repeat(64));

    detector.reset();

    assertThat(detector.refusal()).isEmpty();
    assertThat(detector.pending()).isZero();
    assertThat(detector.creating(POD, "app", RETRY)).isEqualTo(Verdict.PROCEED);
  }

  @Test
  void pendingCreationsAreBoundedOldestFirst() {
    for (int i = 0; i < RefusalDetector.MAX_PENDING + 10; i++) {
      detector.adjusted(POD, "c" + i, String.format("%064x", i));
    }
    assertThat(detector.pending()).isEqualTo(RefusalDetector.MAX_PENDING);
    // The oldest was forgotten: its retry passes unnoticed; a recent one's does not.
    assertThat(detector.creating(POD, "c0", RETRY)).isEqualTo(Verdict.PROCEED);
    assertThat(detector.creating(POD, "c" + (RefusalDetector.MAX_PENDING + 9), RETRY))
        .isEqualTo(Verdict.REFUSED_NOW);
  }

  @Test
  void aContainerIdReusedForAnotherSlotLeavesOnlyTheNewSlotPending() {
    detector.adjusted(POD, "app", FIRST);
    detector.adjusted(POD, "other", FIRST);
    assertThat(detector.pending()).isEqualTo(1);
    assertThat(detector.creating(POD, "app", RETRY)).isEqualTo(Verdict.PROCEED);
  }
}
