package dev.cgroupns.agent.isolate;

import java.util.List;

/**
 * Replacing the mounts failed part-way. {@link #undoFailures()} is empty when every mount point
 * that had been touched was put back.
 */
class SwapFailedException extends RuntimeException {
  private final List<String> undoFailures;

  SwapFailedException(String message, Throwable cause, List<String> undoFailures) {
    super(message, cause);
    this.undoFailures = List.copyOf(undoFailures);
  }

  List<String> undoFailures() {
    return undoFailures;
  }
}
