package dev.cgroupns.agent.kernel;

/**
 * A system call failed. Carries the operation, the errno (number, symbolic name and the C library's
 * text) and what it acted on, so the message a user reads names all of them.
 */
public class KernelException extends RuntimeException {
  private final String operation;
  private final int errno;
  private final String errnoName;
  private final String target;

  public KernelException(
      String operation, int errno, String errnoName, String text, String target) {
    super(operation + "(" + target + "): " + errnoName + " (" + text + ")");
    this.operation = operation;
    this.errno = errno;
    this.errnoName = errnoName;
    this.target = target;
  }

  public String operation() {
    return operation;
  }

  public int errno() {
    return errno;
  }

  /** Symbolic name, e.g. {@code EPERM}. */
  public String errnoName() {
    return errnoName;
  }

  public String target() {
    return target;
  }
}
