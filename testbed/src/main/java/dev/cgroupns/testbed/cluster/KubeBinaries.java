package dev.cgroupns.testbed.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The directory of official Kubernetes binaries (etcd, kube-apiserver, kubectl, ...) that tests and
 * the sandbox run. {@code testbed/bin/kube-binaries} owns the versions, the cache and the build;
 * this class only asks it, so the versions are written down once. {@code KUBEBUILDER_ASSETS}
 * (envtest's convention) points at binaries a user already has.
 */
public record KubeBinaries(Path directory) {

  /** Where the script lives in the checkout. */
  static final Path SCRIPT = Path.of("testbed", "bin", "kube-binaries");

  /** The path of one binary, which must exist. */
  public Path path(String name) {
    Path file = directory.resolve(name);
    if (!Files.isExecutable(file)) {
      throw new IllegalStateException("no executable " + name + " in " + directory);
    }
    return file;
  }

  /**
   * The binaries if they are all there; nothing is built.
   *
   * @param checkout the repository root (with testbed/bin/kube-binaries)
   * @param components what must be there, e.g. {@link #CONTROL_PLANE}
   */
  public static Lookup find(Path checkout, List<String> components) {
    Result result = run(checkout, components, List.of("--check"), line -> {});
    if (result.exit == 0) {
      return new Lookup(Optional.of(new KubeBinaries(Path.of(result.lastLine()))), "");
    }
    return new Lookup(
        Optional.empty(),
        String.join(" ", result.errors)
            + " (build them once with "
            + buildCommand(components)
            + ", or set KUBEBUILDER_ASSETS to a directory that has them)");
  }

  /**
   * The binaries, building what is missing first (minutes on a cold Go cache), with the build's
   * progress lines passed to {@code progress}.
   */
  public static KubeBinaries build(
      Path checkout, List<String> components, Consumer<String> progress) {
    Result result = run(checkout, components, List.of(), progress);
    if (result.exit != 0) {
      throw new IllegalStateException(
          "could not build the Kubernetes binaries ("
              + buildCommand(components)
              + "): "
              + String.join("\n", result.errors));
    }
    return new KubeBinaries(Path.of(result.lastLine()));
  }

  /** The control plane: etcd, the API server, controller-manager, scheduler and kubectl. */
  public static final List<String> CONTROL_PLANE =
      List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl");

  /** A node: the kubelet, containerd, its runc shim and its client. */
  public static final List<String> NODE =
      List.of("kubelet", "containerd", "containerd-shim-runc-v2", "ctr");

  /** The command that builds {@code components}, as a user would type it in the checkout. */
  public static String buildCommand(List<String> components) {
    return "CGROUPNS_KUBE_COMPONENTS='" + String.join(" ", components) + "' " + SCRIPT;
  }

  /** The answer of {@link #find}: the binaries, or why there are none. */
  public record Lookup(Optional<KubeBinaries> binaries, String whyMissing) {}

  private record Result(int exit, List<String> out, List<String> errors) {
    String lastLine() {
      return out.isEmpty() ? "" : out.get(out.size() - 1);
    }
  }

  private static Result run(
      Path checkout, List<String> components, List<String> args, Consumer<String> progress) {
    Path script = checkout.resolve(SCRIPT);
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException("not a checkout of this project (no " + script + ")");
    }
    List<String> command = new ArrayList<>();
    command.add(script.toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(checkout.toFile());
    builder.environment().put("CGROUPNS_KUBE_COMPONENTS", String.join(" ", components));
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    try {
      Process process = builder.start();
      List<String> errors = new ArrayList<>();
      Thread stderr =
          new Thread(
              () ->
                  readLines(
                      process.getErrorStream(),
                      line -> {
                        errors.add(line);
                        progress.accept(line);
                      }),
              "kube-binaries-stderr");
      stderr.setDaemon(true);
      stderr.start();
      List<String> out = new ArrayList<>();
      readLines(process.getInputStream(), out::add);
      if (!process.waitFor(60, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(script + " did not finish within an hour");
      }
      stderr.join(TimeUnit.SECONDS.toMillis(10));
      return new Result(process.exitValue(), out, errors);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + script, e);
    }
  }

  private static void readLines(java.io.InputStream in, Consumer<String> sink) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        sink.accept(line);
      }
    } catch (IOException e) {
      // The process went away; its exit code says what happened.
    }
  }
}
