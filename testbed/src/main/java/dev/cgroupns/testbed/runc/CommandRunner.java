package dev.cgroupns.testbed.runc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host program with an argument vector (never a shell string), stdin from /dev/null, and
 * returns its stdout; a non-zero exit becomes an exception carrying stderr.
 */
public final class CommandRunner {

  private static final long TIMEOUT_SECONDS = 60;

  private CommandRunner() {}

  public static String run(List<String> command) {
    return run(command, TIMEOUT_SECONDS);
  }

  /** As {@link #run(List)}, with a timeout of its own (a download may need longer). */
  public static String run(List<String> command, long timeoutSeconds) {
    return runIn(null, command, timeoutSeconds);
  }

  /** As {@link #run(List, long)}, in working directory {@code dir} (null: this process's). */
  public static String runIn(Path dir, List<String> command, long timeoutSeconds) {
    Path out = null;
    Path err = null;
    try {
      // Files rather than pipes: runc run -d leaves the container holding inherited pipes open.
      out = Files.createTempFile("testbed-cmd", ".out");
      err = Files.createTempFile("testbed-cmd", ".err");
      Process p =
          new ProcessBuilder(command)
              .directory(dir == null ? null : dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new CommandFailedException(command, -1, "timed out after " + timeoutSeconds + " s");
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new CommandFailedException(
            command, p.exitValue(), Files.readString(err, StandardCharsets.UTF_8) + stdout);
      }
      return stdout;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailedException(command, -1, "interrupted");
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temp file left in /tmp is harmless
      }
    }
  }

  /** A command that exited non-zero or did not finish. */
  public static final class CommandFailedException extends RuntimeException {
    private final int exitCode;

    CommandFailedException(List<String> command, int exitCode, String output) {
      super(String.join(" ", command) + " exited " + exitCode + ": " + output.strip());
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }
}
