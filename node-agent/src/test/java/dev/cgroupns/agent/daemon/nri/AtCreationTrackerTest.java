package dev.cgroupns.agent.daemon.nri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.v1alpha1.AtCreationState;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AtCreationTrackerTest {
  private final AtomicInteger changes = new AtomicInteger();

  @Test
  void disabledSaysSoInTheFlagsTerms() {
    AtCreationTracker tracker = AtCreationTracker.disabled();
    assertThat(tracker.get().active).isFalse();
    assertThat(tracker.get().reason).contains("--nri-socket");
    assertThat(tracker.active()).isFalse();
  }

  @Test
  void activeWhileRegisteredUntilTheRuntimeRefusesAndAgainAfterRegisteringAnew() {
    AtCreationTracker tracker = AtCreationTracker.enabled();
    tracker.onChange(changes::incrementAndGet);
    assertThat(tracker.get().reason).isEqualTo(AtCreationTracker.NOT_YET);

    tracker.registering();
    tracker.changed(true, null);
    assertThat(state(tracker)).isEqualTo("true null");

    tracker.refused("the runtime refused it");
    assertThat(state(tracker)).isEqualTo("false the runtime refused it");
    assertThat(tracker.active()).isFalse();

    tracker.changed(false, "the runtime closed the NRI connection: closed cleanly");
    assertThat(state(tracker))
        .isEqualTo("false the runtime closed the NRI connection: closed cleanly");

    tracker.registering();
    tracker.changed(true, null);
    assertThat(state(tracker)).isEqualTo("true null");
    assertThat(changes).hasValue(4);
  }

  @Test
  void aRefusalSeenWhileRegisteringStillCounts() {
    AtCreationTracker tracker = AtCreationTracker.enabled();
    tracker.registering();
    tracker.refused("refused");
    tracker.changed(true, null);
    assertThat(state(tracker)).isEqualTo("false refused");
  }

  @Test
  void noChangeIsNoNotification() {
    AtCreationTracker tracker = AtCreationTracker.enabled();
    tracker.onChange(changes::incrementAndGet);
    tracker.changed(false, AtCreationTracker.NOT_YET);
    tracker.registering();
    assertThat(changes).hasValue(0);
  }

  @Test
  void theReasonIsBoundedAndEachStateAFreshCopy() {
    AtCreationTracker tracker = AtCreationTracker.enabled();
    tracker.changed(false, "x".repeat(5000));
    AtCreationState state = tracker.get();
    assertThat(state.reason).hasSizeLessThanOrEqualTo(AtCreationState.MAX_REASON);
    state.active = true;
    assertThat(tracker.get().active).isFalse();
  }

  private static String state(AtCreationTracker tracker) {
    AtCreationState state = tracker.get();
    return state.active + " " + state.reason;
  }
}
