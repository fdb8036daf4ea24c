package dev.cgroupns.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A component run in a JVM of its own, as its container runs it: the tests can then kill it for
 * real, and the benchmarks measure its memory alone. Subclasses say how to start it and what its
 * HTTP endpoint offers; stopping is the same for all: SIGTERM as the kubelet sends it, SIGKILL if
 * it has not exited after 30 s.
 */
public abstract class ChildJvm implements AutoCloseable {
  private static final Duration GRACE = Duration.ofSeconds(30);

  private final Process process;
  private final Path log;
  private final String what;

  protected ChildJvm(Process process, Path log, String what) {
    this.process = process;
    this.log = log;
    this.what = what;
  }

  /** The java launcher of the JVM running the tests. */
  protected static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A port free on the loopback address now, for a child's (or a container's) HTTP endpoint. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GET on the child's endpoint; empty while it does not answer (not up yet, or gone). */
  public static Optional<HttpResponse<String>> get(int port, String path) {
    try {
      return Optional.of(
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Where its output goes. */
  public Path log() {
    return log;
  }

  /** SIGKILL: no shutdown hook runs, the work in flight stops wherever it is. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(GRACE.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException(what + " (pid " + pid() + ") survived SIGKILL for 30 s");
    }
  }

  /**
   * SIGTERM, as the kubelet stops a pod, and up to 30 s (a bound that only catches a hang) for it
   * to exit.
   *
   * @return its exit code; empty if it is still running
   */
  public OptionalInt terminate() throws InterruptedException {
    process.destroy();
    return awaitExit();
  }

  /**
   * Waits up to 30 s for it to exit by itself.
   *
   * @return its exit code; empty if it is still running
   */
  public OptionalInt awaitExit() throws InterruptedException {
    return process.waitFor(GRACE.toSeconds(), TimeUnit.SECONDS)
        ? OptionalInt.of(process.exitValue())
        : OptionalInt.empty();
  }

  /** SIGTERM, as the kubelet stops a pod: it shuts down gracefully; SIGKILL after 30 s. */
  @Override
  public void close() throws InterruptedException {
    if (terminate().isEmpty()) {
      kill();
    }
  }
}
