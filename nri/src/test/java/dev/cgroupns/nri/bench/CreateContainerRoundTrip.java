package dev.cgroupns.nri.bench;

import dev.cgroupns.nri.EventMask;
import dev.cgroupns.nri.Plugin;
import dev.cgroupns.nri.PluginConnection;
import dev.cgroupns.nri.Removals;
import dev.cgroupns.nri.api.ConfigureRequest;
import dev.cgroupns.nri.api.Container;
import dev.cgroupns.nri.api.ContainerAdjustment;
import dev.cgroupns.nri.api.CreateContainerRequest;
import dev.cgroupns.nri.api.CreateContainerResponse;
import dev.cgroupns.nri.api.Event;
import dev.cgroupns.nri.api.LinuxContainerAdjustment;
import dev.cgroupns.nri.api.LinuxNamespace;
import dev.cgroupns.nri.api.Mount;
import dev.cgroupns.nri.api.PodSandbox;
import dev.cgroupns.nri.testing.FakeRuntime;
import dev.cgroupns.nri.testing.GoNriRuntime;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How long a CreateContainer call takes through the library: the in-test runtime calls the plugin
 * over a real Unix socket and waits for its adjustment (a cgroup namespace and a mount swap), the
 * part of container creation that the plugin adds. Not a test: it prints figures.
 *
 * <p>Then the same through the runtime side of the nri Go module, 100 calls, each for a new pod.
 *
 * <p>Rerun, in the module's directory (the Go runtime is built from {@code src/test/go}): {@code cd
 * nri && mvn -B -ntp test-compile exec:java
 * -Dexec.mainClass=dev.cgroupns.nri.bench.CreateContainerRoundTrip -Dexec.classpathScope=test}
 * (arguments: calls, warm-up calls; default 1000 and 2000).
 */
public final class CreateContainerRoundTrip {

  private CreateContainerRoundTrip() {}

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    Plugin plugin = adjustingEveryContainer();
    try (FakeRuntime runtime = FakeRuntime.listen()) {
      CompletableFuture<PluginConnection> connecting =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return PluginConnection.connect(runtime.socket(), "bench", "50", plugin);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      runtime.accept();
      runtime.awaitRegistration();
      runtime.configure(ConfigureRequest.newBuilder().setRequestTimeout(2000).build());
      try (PluginConnection connection = connecting.get(10, TimeUnit.SECONDS)) {
        CreateContainerRequest request = request();
        // The first call pays for class loading and the interpreter: what a freshly started
        // plugin's first container sees.
        long coldStart = System.nanoTime();
        runtime.createContainer(request);
        long cold = System.nanoTime() - coldStart;
        for (int i = 0; i < warmUp; i++) {
          runtime.createContainer(request);
        }
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
          long start = System.nanoTime();
          runtime.createContainer(request);
          nanos[i] = System.nanoTime() - start;
        }
        report(nanos, cold, request.getSerializedSize(), warmUp);
      }
    }
    goRuntime(Math.min(calls, 100));
  }

  /**
   * The same adjustment asked by the runtime side of the nri Go module (the code containerd runs),
   * {@code calls} times, each for a new pod, timed by the Go side from request to merged answer:
   * what the plugin adds to a container's creation, from a freshly registered plugin on.
   */
  private static void goRuntime(int calls) throws Exception {
    try (GoNriRuntime runtime = GoNriRuntime.start(calls);
        PluginConnection connection =
            PluginConnection.connect(runtime.socket(), "bench", "50", adjustingEveryContainer())) {
      String line;
      do {
        line = runtime.nextLine();
      } while (!line.startsWith("round-trip-us "));
      long[] nanos =
          Arrays.stream(line.substring("round-trip-us ".length()).split(" "))
              .mapToLong(us -> Long.parseLong(us) * 1000)
              .toArray();
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      System.out.printf(
          "CreateContainer as the nri Go module's runtime times it, %d calls (new pods) from the"
              + " plugin's registration on:%n  p50 %.3f ms   p99 %.3f ms   max %.3f ms"
              + "   (target: under 5 ms p50)%n",
          sorted.length,
          millis(sorted, 0.50),
          millis(sorted, 0.99),
          sorted[sorted.length - 1] / 1e6);
    }
  }

  /** A cgroup namespace and a read-only cgroupfs for every container: the agent's adjustment. */
  private static Plugin adjustingEveryContainer() {
    return new Plugin() {
      @Override
      public EventMask configure(ConfigureRequest request) {
        return EventMask.of(Event.CREATE_CONTAINER);
      }

      @Override
      public CreateContainerResponse createContainer(PodSandbox pod, Container container) {
        return CreateContainerResponse.newBuilder()
            .setAdjust(
                ContainerAdjustment.newBuilder()
                    .addMounts(Removals.mount("/sys/fs/cgroup"))
                    .addMounts(
                        Mount.newBuilder()
                            .setDestination("/sys/fs/cgroup")
                            .setType("cgroup")
                            .setSource("cgroup")
                            .addOptions("ro"))
                    .setLinux(
                        LinuxContainerAdjustment.newBuilder()
                            .addNamespaces(LinuxNamespace.newBuilder().setType("cgroup"))))
            .build();
      }
    };
  }

  // A pod and container of the size the kubelet sends: labels, annotations, env, mounts.
  private static CreateContainerRequest request() {
    PodSandbox.Builder pod =
        PodSandbox.newBuilder()
            .setId("4f1c0a6c9d2e".repeat(5))
            .setName("web-7d9f8c6b5-abcde")
            .setNamespace("default")
            .setUid("0b3c2f9e-8d6a-4c1b-9e7f-2a5d4c3b1a09");
    for (int i = 0; i < 10; i++) {
      pod.putLabels("label-" + i, "value-" + i).putAnnotations("annotation-" + i, "x".repeat(40));
    }
    Container.Builder container =
        Container.newBuilder().setId("9a8b7c6d5e4f".repeat(5)).setName("app");
    for (int i = 0; i < 30; i++) {
      container.addEnv("VARIABLE_" + i + "=value-" + i);
    }
    for (String destination :
        new String[] {"/etc/hosts", "/dev/termination-log", "/sys/fs/cgroup"}) {
      container.addMounts(
          Mount.newBuilder()
              .setDestination(destination)
              .setSource("/var/lib/kubelet/pods/x" + destination)
              .setType("bind")
              .addOptions("rbind")
              .addOptions("rprivate"));
    }
    return CreateContainerRequest.newBuilder().setPod(pod).setContainer(container).build();
  }

  private static void report(long[] nanos, long cold, int requestBytes, int warmUp) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "CreateContainer round trip over a Unix socket, %d calls after %d warm-up calls,"
            + " request %d bytes:%n",
        sorted.length, warmUp, requestBytes);
    System.out.printf(
        "  p50 %.3f ms   p99 %.3f ms   max %.3f ms%n",
        millis(sorted, 0.50), millis(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    System.out.printf("  first call of the process (cold): %.3f ms%n", cold / 1e6);
    System.out.println(
        "Rerun: cd nri && mvn -B -ntp test-compile exec:java"
            + " -Dexec.mainClass=dev.cgroupns.nri.bench.CreateContainerRoundTrip"
            + " -Dexec.classpathScope=test");
  }

  private static double millis(long[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }
}
