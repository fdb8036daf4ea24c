package dev.cgroupns.operator.status;

/**
 * Where a CgroupIsolation stands, in kstatus terms, with a CamelCase reason and a message for
 * people.
 */
public record Verdict(State state, String reason, String message) {

  /** Exactly one of the three kstatus conditions is True for each state. */
  public enum State {
    READY,
    RECONCILING,
    STALLED
  }

  public static Verdict ready(String reason, String message) {
    return new Verdict(State.READY, reason, message);
  }

  public static Verdict reconciling(String reason, String message) {
    return new Verdict(State.RECONCILING, reason, message);
  }

  public static Verdict stalled(String reason, String message) {
    return new Verdict(State.STALLED, reason, message);
  }
}
