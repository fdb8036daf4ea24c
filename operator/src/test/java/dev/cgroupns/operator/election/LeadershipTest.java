package dev.cgroupns.operator.election;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import org.junit.jupiter.api.Test;

class LeadershipTest {
  private final Leadership leadership = new Leadership(false);
  private final LeaderCallbacks callbacks = leadership.callbacks();

  @Test
  void followsTheElection() {
    assertThat(leadership.leading()).isFalse();
    callbacks.onStartLeading();
    assertThat(leadership.leading()).isTrue();
    callbacks.onStopLeading();
    assertThat(leadership.leading()).isFalse();
  }

  @Test
  void leadingThatEndsUnaskedIsALostLease() {
    callbacks.onStartLeading();
    assertThat(leadership.lost()).isNotDone();

    callbacks.onStopLeading();

    assertThat(leadership.lost()).isDone();
  }

  @Test
  void leadingThatEndsBecauseTheReplicaStopsIsNot() {
    callbacks.onStartLeading();

    leadership.stopping();
    callbacks.onStopLeading();

    assertThat(leadership.lost()).isNotDone();
  }

  @Test
  void withoutElectionTheReplicaLeadsFromTheStart() {
    assertThat(new Leadership(true).leading()).isTrue();
  }
}
