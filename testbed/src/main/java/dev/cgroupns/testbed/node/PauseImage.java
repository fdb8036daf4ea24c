package dev.cgroupns.testbed.node;

import dev.cgroupns.testbed.runc.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The pod sandbox image: one static program that holds the pod's namespaces, reaps the children
 * that end up with it and exits on SIGTERM or SIGINT, as the pause container of a real node does.
 * Compiled with {@code gcc -static} once per source, into a cache outside the checkout.
 */
public final class PauseImage {

  /** The name containerd pins as its sandbox image. */
  public static final String REFERENCE = "cgroupns.local/pause:node";

  static final String SOURCE =
      """
      #include <signal.h>
      #include <sys/wait.h>
      #include <unistd.h>

      static void quit(int signal) { (void) signal; _exit(0); }

      static void reap(int signal) {
        (void) signal;
        while (waitpid(-1, 0, WNOHANG) > 0) {
        }
      }

      int main(void) {
        struct sigaction action = {0};
        action.sa_handler = quit;
        sigaction(SIGINT, &action, 0);
        sigaction(SIGTERM, &action, 0);
        action.sa_handler = reap;
        action.sa_flags = SA_NOCLDSTOP | SA_RESTART;
        sigaction(SIGCHLD, &action, 0);
        for (;;) {
          pause();
        }
      }
      """;

  private final Path cache;

  /**
   * @param cache the cache root, e.g. {@code ~/.cache/cgroupns}
   */
  public PauseImage(Path cache) {
    this.cache = cache;
  }

  /** The image archive, written to {@code file}. */
  public Path writeArchive(Path file) {
    byte[] binary = read(binary());
    return new OciImageArchive(REFERENCE, List.of("/pause"), tar -> tar.file("pause", 0755, binary))
        .writeTo(file);
  }

  /** The static pause program, compiled on first use. */
  Path binary() {
    Path dir = cache.resolve("pause").resolve(sourceHash());
    Path binary = dir.resolve("pause");
    if (Files.isExecutable(binary)) {
      return binary;
    }
    try {
      Files.createDirectories(dir);
      Path source = dir.resolve("pause.c");
      Files.writeString(source, SOURCE);
      Path partial = Files.createTempFile(dir, "pause", ".partial");
      CommandRunner.run(
          List.of("gcc", "-static", "-O2", "-o", partial.toString(), source.toString()));
      // Renamed into place only when complete: a run killed while compiling leaves no half binary.
      Files.move(partial, binary, StandardCopyOption.ATOMIC_MOVE);
      return binary;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sourceHash() {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(SOURCE.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
