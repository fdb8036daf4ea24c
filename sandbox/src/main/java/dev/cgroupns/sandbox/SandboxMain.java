package dev.cgroupns.sandbox;

import dev.cgroupns.sandbox.system.InProcessControlPlane;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The sandbox command: the whole system on this machine, and kubectl against it. */
@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    version = "sandbox 0.1.0",
    description = {
      "Runs the whole system on this machine: a real Kubernetes control plane (etcd,",
      "kube-apiserver, controller-manager, scheduler; built once if missing) with the",
      "project's manifests, the operator, one node agent and demo pods: real kubelet pods on a",
      "node of its own (kubelet, containerd) where it can, else runc containers it starts.",
      "Applies the sample CgroupIsolation, waits until Ready and shows what a",
      "container saw before and sees after. Needs root, runc and busybox-static",
      "(except with --api-only). Ctrl-C stops it and removes everything it made."
    })
public final class SandboxMain implements Callable<Integer> {

  /** How long Ctrl-C waits for the main thread to reach a step boundary and clean up. */
  private static final Duration MAIN_THREAD_GRACE = Duration.ofSeconds(90);

  @Option(names = "--once", description = "Exit (and clean up) after Ready and the views.")
  boolean once;

  @Option(
      names = "--api-only",
      description =
          "Only the Kubernetes control plane with the project's manifests, for kubectl (no root"
              + " needed).")
  boolean apiOnly;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Use this cluster instead of the sandbox's own control plane.")
  Path kubeconfig;

  @Option(
      names = "--use-current-context",
      description = "Use the current kubectl context instead of the sandbox's own control plane.")
  boolean useCurrentContext;

  @Option(
      names = "--node-name",
      defaultValue = "local",
      paramLabel = "NAME",
      description = "Node name of the agent and the demo pods (default: ${DEFAULT-VALUE}).")
  String nodeName;

  @Option(
      names = "--pods",
      defaultValue = "3",
      paramLabel = "N",
      description = "Demo pods (default: ${DEFAULT-VALUE}).")
  int pods;

  @Option(
      names = "--pods-kind",
      defaultValue = "auto",
      paramLabel = "KIND",
      converter = PodsKindConverter.class,
      description =
          "What runs the demo pods: kubelet (a real node: kubelet and containerd), runc"
              + " (containers the sandbox starts itself), or auto: kubelet when this machine can"
              + " run a node (default: ${DEFAULT-VALUE}).")
  PodsKind podsKind;

  /** Reads {@code --pods-kind} as typed. */
  static final class PodsKindConverter implements CommandLine.ITypeConverter<PodsKind> {
    @Override
    public PodsKind convert(String value) {
      try {
        return PodsKind.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  @Option(
      names = "--ready-timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description = "How long to wait for Ready (default: ${DEFAULT-VALUE}).")
  int readyTimeoutSeconds;

  @Option(
      names = "--repository",
      defaultValue = ".",
      paramLabel = "DIR",
      description = "The project checkout with crds/ and manifests/ (default: current directory).")
  Path repository;

  @Option(
      names = {"-v", "--verbose"},
      description = "Show the operator's, the agent's and the client's logs (INFO).")
  boolean verbose;

  public static void main(String[] args) {
    // Before any logger exists: the progress lines are the output; component logs only on -v.
    boolean verbose =
        java.util.Arrays.asList(args).contains("-v")
            || java.util.Arrays.asList(args).contains("--verbose");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    System.setProperty(
        "org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils",
        "error");
    System.exit(new CommandLine(new SandboxMain()).execute(args));
  }

  /** What went wrong: an API server's refusal in its own words, without the client's dump of it. */
  static String failure(Exception e) {
    if (e instanceof KubernetesClientException refused
        && refused.getStatus() != null
        && refused.getStatus().getMessage() != null) {
      return "the API server answered "
          + refused.getCode()
          + ": "
          + refused.getStatus().getMessage();
    }
    return e.getMessage();
  }

  @Override
  public Integer call() throws Exception {
    SandboxOptions options;
    try {
      options =
          new SandboxOptions(
              repository.toAbsolutePath().normalize(),
              once,
              apiOnly,
              kubeconfig,
              useCurrentContext,
              nodeName,
              pods,
              podsKind,
              Duration.ofSeconds(readyTimeoutSeconds));
    } catch (IllegalArgumentException e) {
      System.err.println("sandbox: " + e.getMessage());
      return 2;
    }
    Preflight.Facts facts = Preflight.Facts.ofThisMachine(options.repository());
    List<String> problems =
        Preflight.problems(
            facts, options.apiOnly(), options.localControlPlane(), options.podsKind());
    if (!problems.isEmpty()) {
      System.err.println("sandbox cannot start on this machine:");
      problems.forEach(p -> System.err.println("  - " + p));
      return 2;
    }
    Progress progress = new Progress(System.out);
    Teardown teardown = new Teardown(progress);
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    Thread onCtrlC =
        new Thread(
            () -> {
              // Ctrl-C: ask the main thread to stop between two steps and clean up itself, so
              // nothing is created after the cleanup ran; clean up here only if it does not
              // finish in time (the JVM exits as soon as this hook returns).
              stop.countDown();
              try {
                finished.await(
                    MAIN_THREAD_GRACE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              teardown.run();
            },
            "sandbox-cleanup");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try {
      int code;
      try {
        Preflight.PodsChoice choice =
            Preflight.choosePods(facts, options.podsKind(), options.localControlPlane());
        code =
            new SandboxRun(options, choice, progress, teardown, new InProcessControlPlane(), stop)
                .run();
      } catch (SandboxRun.StoppedException e) {
        progress.step("stopping (Ctrl-C)");
        code = 130;
      } catch (Exception e) {
        progress.step("FAILED: " + failure(e));
        if (verbose) {
          e.printStackTrace();
        }
        code = SandboxRun.FAILED;
      }
      List<String> failures = teardown.run();
      if (!failures.isEmpty()) {
        progress.step("cleanup incomplete: " + failures);
        return SandboxRun.FAILED;
      }
      progress.step(
          code == SandboxRun.OK && stop.getCount() > 0
              ? "done, nothing left behind"
              : "stopped, nothing left behind");
      return code;
    } finally {
      // Only now may a Ctrl-C hook let the JVM exit: the last line is printed. After an Error
      // (say, a class missing from a stale build) the exit's hook cleans up at once instead of
      // waiting out its grace for this thread.
      finished.countDown();
    }
  }
}
