package dev.cgroupns.nri;

import dev.cgroupns.nri.api.Event;
import java.util.EnumSet;
import java.util.Set;

/**
 * The NRI events a plugin subscribes to, as the bit mask Configure answers with: event N is bit
 * {@code 1 << (N - 1)}. The runtime reads a mask of 0 as every event, so an empty mask cannot be
 * built.
 */
public final class EventMask {

  private final int bits;

  private EventMask(int bits) {
    this.bits = bits;
  }

  public static EventMask of(Event first, Event... more) {
    EnumSet<Event> events = EnumSet.of(first, more);
    int bits = 0;
    for (Event event : events) {
      bits |= bit(event);
    }
    return new EventMask(bits);
  }

  public static EventMask of(Set<Event> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("an empty event mask means every event to the runtime");
    }
    int bits = 0;
    for (Event event : events) {
      bits |= bit(event);
    }
    return new EventMask(bits);
  }

  /** The mask as sent in ConfigureResponse.events. */
  public int bits() {
    return bits;
  }

  public boolean contains(Event event) {
    return (bits & bit(event)) != 0;
  }

  private static int bit(Event event) {
    if (event == Event.UNKNOWN || event == Event.LAST || event == Event.UNRECOGNIZED) {
      throw new IllegalArgumentException(event + " is not an event one can subscribe to");
    }
    return 1 << (event.getNumber() - 1);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EventMask mask && mask.bits == bits;
  }

  @Override
  public int hashCode() {
    return bits;
  }

  @Override
  public String toString() {
    return "EventMask(0x" + Integer.toHexString(bits) + ")";
  }
}
