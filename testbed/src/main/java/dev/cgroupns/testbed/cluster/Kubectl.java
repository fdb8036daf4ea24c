package dev.cgroupns.testbed.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** kubectl of the same version as the server, run with one kubeconfig, as a user would. */
public final class Kubectl {

  private final Path binary;
  private final Path kubeconfig;

  public Kubectl(Path binary, Path kubeconfig) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
  }

  /** kubectl as the cluster admin of {@code cluster}. */
  public static Kubectl admin(LocalControlPlane cluster) {
    return new Kubectl(cluster.binaries().path("kubectl"), cluster.adminKubeconfig());
  }

  /** What one run printed and how it ended. */
  public record Result(int exit, String out, String err) {

    public boolean ok() {
      return exit == 0;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
    }
  }

  /** Runs {@code kubectl --kubeconfig FILE ARGS...} and waits for it (at most 3 minutes). */
  public Result run(String... args) {
    return runWithInput(null, args);
  }

  /** As {@link #run(String...)}, with {@code stdin} as its standard input. */
  public Result runWithInput(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    try {
      Path in = Files.createTempFile("kubectl", ".in");
      Path out = Files.createTempFile("kubectl", ".out");
      Path err = Files.createTempFile("kubectl", ".err");
      try {
        Files.writeString(in, stdin == null ? "" : stdin);
        // Files, not pipes: neither stream can fill up and block kubectl.
        Process process =
            new ProcessBuilder(command)
                .redirectInput(stdin == null ? new File("/dev/null") : in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish");
        }
        return new Result(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(in);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
