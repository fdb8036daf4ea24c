package dev.cgroupns.sandbox;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Undo steps registered as things are created, run once in reverse order: on normal exit, on
 * failure and on Ctrl-C alike. A failing step does not stop the others; the failures are reported
 * together.
 */
public final class Teardown {

  /** One undo step. */
  @FunctionalInterface
  public interface Step {
    void run() throws Exception;
  }

  private record Named(String description, Step step) {}

  private final Progress progress;
  private final Deque<Named> steps = new ArrayDeque<>();
  private boolean done;

  public Teardown(Progress progress) {
    this.progress = progress;
  }

  /** Registers an undo step; it runs before every step registered earlier. */
  public synchronized void add(String description, Step step) {
    if (done) {
      throw new IllegalStateException("teardown already ran");
    }
    steps.push(new Named(description, step));
  }

  /**
   * Runs every step once (later calls return at once).
   *
   * @return the failures, empty when everything was undone
   */
  public synchronized List<String> run() {
    List<String> failures = new ArrayList<>();
    if (done) {
      return failures;
    }
    done = true;
    while (!steps.isEmpty()) {
      Named next = steps.pop();
      progress.step("cleanup: " + next.description());
      try {
        next.step().run();
      } catch (Exception e) {
        failures.add(next.description() + ": " + e.getMessage());
        progress.step("cleanup FAILED: " + next.description() + ": " + e.getMessage());
      }
    }
    return failures;
  }
}
