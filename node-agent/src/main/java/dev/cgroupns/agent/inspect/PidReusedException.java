package dev.cgroupns.agent.inspect;

import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.proc.ProcessVanishedException;

/**
 * The PID now names another process (different start time): the process the caller meant is gone. A
 * subtype of {@link ProcessVanishedException}, because for the caller it is the same outcome.
 */
public class PidReusedException extends ProcessVanishedException {
  private final ProcessIdentity expected;
  private final ProcessIdentity found;

  public PidReusedException(ProcessIdentity expected, ProcessIdentity found) {
    super(expected.pid());
    this.expected = expected;
    this.found = found;
  }

  @Override
  public String getMessage() {
    return "PID "
        + expected.pid()
        + " was reused: expected start time "
        + expected.startTime()
        + ", found "
        + found.startTime()
        + "; the process meant is gone";
  }

  public ProcessIdentity expected() {
    return expected;
  }

  public ProcessIdentity found() {
    return found;
  }
}
