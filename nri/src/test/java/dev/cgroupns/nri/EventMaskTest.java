package dev.cgroupns.nri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.nri.api.Event;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventMaskTest {

  @Test
  void eventNIsBitNMinusOne() {
    assertThat(EventMask.of(Event.RUN_POD_SANDBOX).bits()).isEqualTo(0x1);
    assertThat(EventMask.of(Event.CREATE_CONTAINER).bits()).isEqualTo(0x8);
    assertThat(EventMask.of(Event.CREATE_CONTAINER, Event.REMOVE_CONTAINER).bits())
        .isEqualTo(0x8 | 0x400);
    assertThat(EventMask.of(Event.VALIDATE_CONTAINER_ADJUSTMENT).bits()).isEqualTo(1 << 13);
  }

  @Test
  void anEmptyMaskWhichTheRuntimeReadsAsEveryEventCannotBeBuilt() {
    assertThatThrownBy(() -> EventMask.of(Set.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventMask.of(Event.UNKNOWN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventMask.of(Event.LAST)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void containsWhatItWasBuiltFrom() {
    EventMask mask = EventMask.of(Event.CREATE_CONTAINER, Event.STOP_CONTAINER);
    assertThat(mask.contains(Event.CREATE_CONTAINER)).isTrue();
    assertThat(mask.contains(Event.STOP_CONTAINER)).isTrue();
    assertThat(mask.contains(Event.START_CONTAINER)).isFalse();
  }
}
