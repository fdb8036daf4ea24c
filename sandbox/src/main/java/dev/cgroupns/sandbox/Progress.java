package dev.cgroupns.sandbox;

import java.io.PrintStream;

/** Progress lines as they happen, each stamped with the time since the sandbox started. */
public final class Progress {

  private final PrintStream out;
  private final long startNanos = System.nanoTime();

  public Progress(PrintStream out) {
    this.out = out;
  }

  public void step(String message) {
    long tenths = (System.nanoTime() - startNanos) / 100_000_000L;
    out.printf("[%4d.%ds] %s%n", tenths / 10, tenths % 10, message);
    out.flush();
  }

  /** Unstamped text (views, instructions). */
  public void text(String text) {
    out.print(text.endsWith("\n") ? text : text + "\n");
    out.flush();
  }
}
