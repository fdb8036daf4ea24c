package dev.cgroupns.testbed.node;

import dev.cgroupns.testbed.cluster.ComponentProcess;
import dev.cgroupns.testbed.cluster.FreePorts;
import dev.cgroupns.testbed.cluster.KubeBinaries;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.Pki;
import dev.cgroupns.testbed.cluster.RunDirectories;
import dev.cgroupns.testbed.runc.BusyboxRootfs;
import dev.cgroupns.testbed.runc.CgroupHierarchies;
import dev.cgroupns.testbed.runc.CommandRunner;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A real Kubernetes node on this machine, registered with a {@link LocalControlPlane}: containerd
 * and the kubelet from the cached official binaries, Debian's runc and CNI plugins, and images
 * loaded from archives written here (no registry). Pods use {@link BusyboxImage#REFERENCE} with
 * {@code imagePullPolicy: Never}.
 *
 * <p>Everything it puts on the host is removed by {@link #close}, even after a failure, and by the
 * next start when a JVM was killed before it could ({@link NodeCleanup}).
 */
public final class RealNode implements AutoCloseable {

  public static final String DIR_PREFIX = "cgroupns-node-";

  /** Held by the running node, in the parent of node directories: one node per machine. */
  static final String LOCK_FILE = "cgroupns-node.lock";

  static final Path RUNC = Path.of("/usr/sbin/runc");
  static final Path CNI_PLUGINS = Path.of("/usr/lib/cni");
  static final Path BUSYBOX = Path.of("/bin/busybox");

  /** Where the compiled pause program is kept between runs, for {@link #start}'s {@code cache}. */
  public static final Path DEFAULT_CACHE =
      Path.of(System.getProperty("user.home"), ".cache", "cgroupns");

  private static final Duration READY_WITHIN = Duration.ofSeconds(120);

  private final LocalControlPlane plane;
  private final KubeBinaries binaries;
  private final NodeLayout layout;
  private final Consumer<String> progress;
  private final List<Path> hierarchies;
  private final List<ComponentProcess> processes = new ArrayList<>();
  private final NodeLock lock;
  private final NriValidation validation;
  private ApiRelay relay;
  private NodeLeftovers.Baseline baseline =
      new NodeLeftovers.Baseline(List.of(), Map.of(), List.of());
  private boolean closed;

  private RealNode(
      LocalControlPlane plane,
      KubeBinaries binaries,
      NodeLayout layout,
      List<Path> hierarchies,
      NodeLock lock,
      NriValidation validation,
      Consumer<String> progress) {
    this.plane = plane;
    this.validation = validation;
    this.lock = lock;
    this.binaries = binaries;
    this.layout = layout;
    this.hierarchies = hierarchies;
    this.progress = progress;
  }

  /**
   * Cleans up after dead nodes under {@code parent}, then starts a node in a new directory there;
   * it is Ready in the API when this returns.
   *
   * @param binaries the kubelet, containerd, its shim and ctr ({@link KubeBinaries#NODE})
   * @param cache where the compiled pause program is kept between runs
   */
  public static RealNode start(
      LocalControlPlane plane,
      KubeBinaries binaries,
      Path parent,
      Path cache,
      Consumer<String> progress) {
    return start(plane, binaries, parent, cache, NriValidation.NONE, progress);
  }

  /**
   * {@link #start(LocalControlPlane, KubeBinaries, Path, Path, Consumer)} with containerd's NRI
   * validator set as {@code validation} says (kept across {@link #restartContainerd}).
   */
  public static RealNode start(
      LocalControlPlane plane,
      KubeBinaries binaries,
      Path parent,
      Path cache,
      NriValidation validation,
      Consumer<String> progress) {
    NodeLock lock = NodeLock.acquire(parent.resolve(LOCK_FILE), Duration.ofMinutes(10));
    RealNode node;
    try {
      List<Path> hierarchies = CgroupHierarchies.mounted();
      sweep(parent, hierarchies, progress);
      ForeignKubelet.refuseIfPresent(hierarchies);
      Path dir = RunDirectories.create(parent, DIR_PREFIX);
      node =
          new RealNode(
              plane, binaries, NodeLayout.of(dir), hierarchies, lock, validation, progress);
    } catch (RuntimeException | Error e) {
      lock.close();
      throw e;
    }
    try {
      node.boot(cache);
      return node;
    } catch (RuntimeException | Error e) {
      try {
        node.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Removes what nodes of dead JVMs left under {@code parent}. */
  public static void sweep(Path parent, List<Path> hierarchies, Consumer<String> progress) {
    for (Path dir : RunDirectories.abandoned(parent, DIR_PREFIX)) {
      RunDirectories.killComponents(dir, progress);
      List<String> failures = cleanup(NodeLayout.of(dir), hierarchies).run();
      progress.accept(
          "cleaned up after the dead node run "
              + dir
              + (failures.isEmpty() ? "" : "; could not remove: " + failures));
    }
  }

  private static NodeCleanup cleanup(NodeLayout layout, List<Path> hierarchies) {
    return new NodeCleanup(
        layout,
        hierarchies,
        RUNC,
        new HostsLine(HostsLine.ETC_HOSTS),
        new KernelTunables(Path.of("/proc/sys")));
  }

  private void boot(Path cache) {
    Instant started = Instant.now();
    // What the kubelet changes on the host, recorded before it can.
    baseline = NodeLeftovers.Baseline.now();
    new KernelTunables(Path.of("/proc/sys")).record(layout.dir().resolve("kernel-tunables-before"));
    KubeletIptablesChains.record(layout.dir().resolve("iptables-before"));
    new HostsLine(HostsLine.ETC_HOSTS).add(layout.nodeName());

    write(
        layout.cniConfDir().resolve("10-" + layout.network() + ".conflist"),
        BridgeNetwork.conflist(layout));
    BridgeNetwork.create(layout);
    // Before containerd and the agent's DaemonSet: the pod mounts this directory by hostPath.
    createDirectory(layout.nriSocketDirectory());
    URI api = URI.create(plane.serverUrl());
    relay =
        ApiRelay.start(
            BridgeNetwork.GATEWAY,
            BridgeNetwork.API_PORT,
            new InetSocketAddress(api.getHost(), api.getPort()));
    write(
        layout.containerdConfig(), ContainerdConfig.render(layout, RUNC, CNI_PLUGINS, validation));
    List<Path> archives =
        List.of(
            new PauseImage(cache).writeArchive(layout.images().resolve("pause.tar")),
            new BusyboxImage(new BusyboxRootfs(BUSYBOX))
                .writeArchive(layout.images().resolve("busybox.tar")));

    startContainerd(processes.size());
    for (Path archive : archives) {
      ctr("images", "import", archive.toString());
    }
    Instant containerdReady = Instant.now();

    allowApiServerToUseKubelets(plane.adminClient());
    Pki.KeyFiles serving = plane.kubeletServingCertificate(layout.nodeName());
    write(
        layout.kubeletConfig(),
        KubeletConfig.render(
            layout, FreePorts.next(), plane.caFile(), serving.certificate(), serving.key()));
    Path kubeconfig = plane.nodeKubeconfig(layout.nodeName());
    processes.add(
        ComponentProcess.start(
            "kubelet",
            binaries.path("kubelet"),
            List.of(
                "--config=" + layout.kubeletConfig(),
                "--kubeconfig=" + kubeconfig,
                "--root-dir=" + layout.kubeletRoot(),
                "--cert-dir=" + layout.kubeletCertDir(),
                // No --node-ip: on loopback the kubelet fails every status update. The node's name
                // resolves to loopback instead (the hosts line).
                "--hostname-override=" + layout.nodeName(),
                "--v=1"),
            layout.dir(),
            Map.of("PATH", searchPath())));
    awaitTrue("node " + layout.nodeName() + " Ready", this::ready);
    progress.accept(
        "Kubernetes node "
            + layout.nodeName()
            + " Ready in "
            + Duration.between(started, Instant.now()).toMillis()
            + " ms (containerd and images "
            + Duration.between(started, containerdReady).toMillis()
            + " ms; "
            + layout.dir()
            + ")");
  }

  /**
   * The API server authenticates to kubelets as {@link LocalControlPlane#APISERVER_KUBELET_CLIENT};
   * the kubelets' webhook authorization asks RBAC, which must allow it exec, logs and the rest.
   */
  static void allowApiServerToUseKubelets(KubernetesClient admin) {
    ClusterRoleBinding binding =
        new ClusterRoleBindingBuilder()
            .withNewMetadata()
            .withName("cgroupns-apiserver-kubelet-api-admin")
            .endMetadata()
            .withNewRoleRef()
            .withApiGroup("rbac.authorization.k8s.io")
            .withKind("ClusterRole")
            .withName("system:kubelet-api-admin")
            .endRoleRef()
            .addNewSubject()
            .withApiGroup("rbac.authorization.k8s.io")
            .withKind("User")
            .withName(LocalControlPlane.APISERVER_KUBELET_CLIENT)
            .endSubject()
            .build();
    admin
        .rbac()
        .clusterRoleBindings()
        .resource(binding)
        .patch(PatchContext.of(PatchType.SERVER_SIDE_APPLY), binding);
  }

  // ---- access ---------------------------------------------------------------------------------

  public String name() {
    return layout.nodeName();
  }

  public NodeLayout layout() {
    return layout;
  }

  /** runc's state root of the pods' containers ({@code runc --root R state ID}). */
  public Path runcRoot() {
    return layout.runcCriRoot();
  }

  /** containerd's socket, e.g. for {@code ctr -a}. */
  public Path containerdSocket() {
    return layout.containerdSocket();
  }

  /** Runs {@code ctr -a SOCKET -n k8s.io ARGS} and returns its output. */
  public String ctr(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binaries.path("ctr").toString());
    command.addAll(List.of("-a", layout.containerdSocket().toString(), "-n", "k8s.io"));
    command.addAll(List.of(args));
    return CommandRunner.run(command);
  }

  /** The pids of containerd and the kubelet, by name. */
  public Map<String, Long> pids() {
    Map<String, Long> pids = new java.util.LinkedHashMap<>();
    processes.forEach(p -> pids.put(p.name(), p.pid()));
    return pids;
  }

  /**
   * What this node left on the host ({@link NodeLeftovers}), against the state before it started.
   * Empty after a clean {@link #close}.
   */
  public List<String> leftovers() {
    return NodeLeftovers.find(layout, hierarchies, baseline);
  }

  /**
   * Stops containerd and starts it again, as an upgrade of the runtime does: the pods' containers
   * keep running under their shims, the kubelet and NRI plugins reconnect. Returns once the new
   * containerd answers.
   */
  public synchronized void restartContainerd() {
    if (closed) {
      throw new IllegalStateException("node " + layout.nodeName() + " is stopped");
    }
    for (int i = 0; i < processes.size(); i++) {
      if (processes.get(i).name().equals("containerd")) {
        // Out of the list first: waiting for the new one checks that every listed one runs.
        processes.remove(i).close();
        startContainerd(i);
        return;
      }
    }
    throw new IllegalStateException("node " + layout.nodeName() + " runs no containerd");
  }

  /** The shim is looked up on PATH, next to the containerd that starts it. */
  private String searchPath() {
    return binaries.directory()
        + ":"
        + System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
  }

  /** Starts containerd as the {@code position}th of the node's processes and waits for it. */
  private void startContainerd(int position) {
    ComponentProcess containerd =
        ComponentProcess.start(
            "containerd",
            binaries.path("containerd"),
            List.of("--config", layout.containerdConfig().toString(), "--log-level", "warn"),
            layout.dir(),
            Map.of("PATH", searchPath()));
    processes.add(position, containerd);
    awaitTrue(
        "containerd's socket",
        () -> {
          ctr("version");
          return true;
        });
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Deletes the node's pods while the kubelet can still stop them, stops the kubelet and
   * containerd, and removes everything else ({@link NodeCleanup}).
   *
   * @throws IllegalStateException listing what could not be removed
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Instant stopping = Instant.now();
    List<String> failures = new ArrayList<>();
    try {
      deletePodsAndNode();
    } catch (RuntimeException e) {
      failures.add("pods: " + e.getMessage());
    }
    List<ComponentProcess> reverse = new ArrayList<>(processes);
    java.util.Collections.reverse(reverse);
    for (ComponentProcess process : reverse) {
      try {
        process.close();
      } catch (RuntimeException e) {
        failures.add(process.name() + ": " + e.getMessage());
      }
    }
    processes.clear();
    if (relay != null) {
      relay.close();
    }
    try {
      failures.addAll(cleanup(layout, hierarchies).run());
    } finally {
      lock.close();
    }
    progress.accept(
        "Kubernetes node "
            + layout.nodeName()
            + " stopped and removed in "
            + Duration.between(stopping, Instant.now()).toMillis()
            + " ms");
    if (!failures.isEmpty()) {
      throw new IllegalStateException("node " + layout.nodeName() + " left behind: " + failures);
    }
  }

  private void deletePodsAndNode() {
    KubernetesClient admin = plane.adminClient();
    if (admin == null) {
      return;
    }
    var pods = admin.pods().inAnyNamespace().withField("spec.nodeName", layout.nodeName());
    if (!pods.list().getItems().isEmpty()) {
      pods.withGracePeriod(0).delete();
    }
    boolean kubeletRuns =
        processes.stream().anyMatch(p -> p.name().equals("kubelet") && p.isAlive());
    if (kubeletRuns) {
      // The kubelet stops the containers it no longer has pods for; what it has not stopped by
      // then, the cleanup kills.
      Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
      while (Instant.now().isBefore(deadline) && !runcContainers().isEmpty()) {
        sleep(200);
      }
    }
    admin.nodes().withName(layout.nodeName()).delete();
  }

  private List<String> runcContainers() {
    if (!Files.isDirectory(layout.runcCriRoot())) {
      return List.of();
    }
    try {
      return CommandRunner.run(
              List.of(RUNC.toString(), "--root", layout.runcCriRoot().toString(), "list", "-q"))
          .lines()
          .filter(l -> !l.isBlank())
          .toList();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private boolean ready() {
    Node node = plane.adminClient().nodes().withName(layout.nodeName()).get();
    if (node == null || node.getStatus() == null || node.getStatus().getConditions() == null) {
      return false;
    }
    boolean tainted =
        node.getSpec().getTaints() != null
            && node.getSpec().getTaints().stream()
                .anyMatch(t -> t.getKey().startsWith("node.kubernetes.io/not-ready"));
    return !tainted
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private void awaitTrue(String what, Supplier<Boolean> condition) {
    Instant deadline = Instant.now().plus(READY_WITHIN);
    RuntimeException last = null;
    while (true) {
      processes.forEach(ComponentProcess::checkAlive);
      try {
        if (Boolean.TRUE.equals(condition.get())) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      if (Instant.now().isAfter(deadline)) {
        StringBuilder logs = new StringBuilder();
        processes.forEach(
            p -> logs.append("\n--- ").append(p.name()).append(":\n").append(p.logTail(30)));
        throw new IllegalStateException(
            "timed out waiting for "
                + what
                + (last == null ? "" : " (" + last.getMessage() + ")")
                + logs);
      }
      sleep(200);
    }
  }

  private static void createDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
