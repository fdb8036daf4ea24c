package dev.cgroupns.agent.proc;

/** A /proc file did not have the format the kernel writes. Unchecked: it is a bug or an attack. */
public class ProcFormatException extends RuntimeException {
  public ProcFormatException(String message) {
    super(message);
  }

  public ProcFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
