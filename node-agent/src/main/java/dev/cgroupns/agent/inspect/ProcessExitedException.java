package dev.cgroupns.agent.inspect;

import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.proc.ProcessVanishedException;

/** The process the agent was working on exited. */
public class ProcessExitedException extends ProcessVanishedException {
  private final ProcessIdentity process;

  public ProcessExitedException(ProcessIdentity process) {
    super(process.pid());
    this.process = process;
  }

  @Override
  public String getMessage() {
    return "process " + process + " exited";
  }
}
