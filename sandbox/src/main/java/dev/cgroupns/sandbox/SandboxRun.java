package dev.cgroupns.sandbox;

import dev.cgroupns.sandbox.cluster.ClusterAccess;
import dev.cgroupns.sandbox.cluster.ControlPlaneBinaries;
import dev.cgroupns.sandbox.cluster.ExistingCluster;
import dev.cgroupns.sandbox.cluster.IsolationStatusWatcher;
import dev.cgroupns.sandbox.cluster.LocalCluster;
import dev.cgroupns.sandbox.cluster.ManifestApplier;
import dev.cgroupns.sandbox.demo.ContainerExec;
import dev.cgroupns.sandbox.demo.ContainerView;
import dev.cgroupns.sandbox.demo.ContainerViewReader;
import dev.cgroupns.sandbox.demo.DemoPods;
import dev.cgroupns.sandbox.demo.ViewReport;
import dev.cgroupns.sandbox.system.ControlPlane;
import dev.cgroupns.testbed.cluster.KubeBinaries;
import dev.cgroupns.testbed.cluster.ProjectInstall;
import dev.cgroupns.testbed.runc.BusyboxRootfs;
import dev.cgroupns.testbed.runc.CgroupHierarchies;
import dev.cgroupns.testbed.runc.CgroupRoot;
import dev.cgroupns.testbed.runc.DemoContainer;
import dev.cgroupns.testbed.runc.LeftoverSweeper;
import dev.cgroupns.testbed.runc.RuncRuntime;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The sandbox's steps, in order, each registering its undo with the {@link Teardown} before the
 * next one starts: Kubernetes control plane, the project's manifests, operator, node agent, demo
 * pods, sample, Ready, views.
 */
public final class SandboxRun {

  /** Exit codes of the command. */
  public static final int OK = 0;

  public static final int FAILED = 1;

  private static final Duration DELETE_WAIT = Duration.ofSeconds(30);

  private final SandboxOptions options;
  private Preflight.PodsChoice pods;
  private final Progress progress;
  private final Teardown teardown;
  private final ControlPlane controlPlane;
  private final CountDownLatch stop;
  private List<String> kubectlSetup = List.of();
  private KubeBinaries binaries;
  private LocalCluster localCluster;

  /**
   * @param pods what runs the demo pods, as the preflight chose ({@link Preflight#choosePods})
   * @param stop counted down to end a run that keeps going until Ctrl-C
   */
  public SandboxRun(
      SandboxOptions options,
      Preflight.PodsChoice pods,
      Progress progress,
      Teardown teardown,
      ControlPlane controlPlane,
      CountDownLatch stop) {
    this.options = options;
    this.pods = pods;
    this.progress = progress;
    this.teardown = teardown;
    this.controlPlane = controlPlane;
    this.stop = stop;
  }

  public int run() throws Exception {
    if (!options.apiOnly()) {
      new LeftoverSweeper(tmpDir(), CgroupHierarchies.mounted(), runc()).sweep(progress::step);
      if (pods.kind() == PodsKind.KUBELET) {
        pods = KubeletDemo.checkHost(pods, options.podsKind(), tmpDir(), progress::step);
      }
      progress.step(
          "demo pods: "
              + (pods.kind() == PodsKind.KUBELET
                  ? "real kubelet pods on a node of the sandbox's own"
                  : "runc containers the sandbox starts itself")
              + " ("
              + pods.why()
              + ")");
    }
    Path workDir = LeftoverSweeper.newWorkDir();
    teardown.add("remove work directory " + workDir, () -> LeftoverSweeper.deleteWorkDir(workDir));

    checkStopped();
    ClusterAccess cluster = options.localControlPlane() ? startControlPlane() : connectToCluster();
    KubernetesClient client = cluster.client();

    checkStopped();
    progress.step(cluster.install(options.repository()));
    kubectlSetup = cluster.kubectlSetup();
    kubectlSetup.forEach(line -> progress.text("    " + line));
    if (options.apiOnly()) {
      return keepRunning(
          "the API server with the project's manifests is up (no operator, agent or pods)",
          List.of(
              "kubectl explain cgroupisolation.spec",
              "kubectl apply --dry-run=server -f "
                  + options.repository().relativize(options.sample())));
    }

    checkStopped();
    AutoCloseable operator = controlPlane.startOperator(cluster.operator());
    teardown.add("stop the operator", operator::close);
    progress.step("operator running in-process" + identity(ProjectInstall.OPERATOR_ACCOUNT));

    checkStopped();
    Demo demo =
        pods.kind() == PodsKind.KUBELET
            ? startKubeletDemo(workDir)
            : startRuncDemo(cluster, workDir);
    ContainerView before = ContainerViewReader.read(demo.shown());
    progress.step("recorded what " + demo.shownName() + " sees before isolation");

    checkStopped();
    List<HasMetadata> applied = new ManifestApplier(client).apply(options.sample());
    HasMetadata sample = applied.get(0);
    teardown.add(
        "delete CgroupIsolation "
            + sample.getMetadata().getName()
            + " (the agent reverts the containers)",
        () -> deleteAndWait(client, sample));
    progress.step(
        "applied "
            + options.repository().relativize(options.sample())
            + " (CgroupIsolation "
            + sample.getMetadata().getNamespace()
            + "/"
            + sample.getMetadata().getName()
            + ")");

    boolean ready =
        new IsolationStatusWatcher(client)
            .awaitReady(
                sample.getMetadata().getNamespace(),
                sample.getMetadata().getName(),
                options.readyTimeout(),
                summary -> {
                  checkStopped();
                  progress.step("status: " + summary);
                },
                () -> stop.getCount() == 0);
    checkStopped();
    if (!ready) {
      progress.step(
          "FAILED: not Ready within "
              + options.readyTimeout().toSeconds()
              + " s; see kubectl describe cgroupisolation "
              + sample.getMetadata().getName());
      return FAILED;
    }
    progress.step("Ready");
    checkStopped();
    ContainerView after = ContainerViewReader.read(demo.shown());
    progress.text(
        ViewReport.render(
            "what " + demo.shownName() + " sees", before, after, demo.abbreviations()));
    demo.afterReady().run();
    if (options.once()) {
      return OK;
    }
    List<String> hints = new ArrayList<>();
    hints.add("kubectl describe cgroupisolation demo");
    hints.add("kubectl get cgroupisolations -w   (in a second shell, while you delete and apply)");
    hints.add("kubectl get pods -o wide");
    hints.addAll(demo.hints());
    hints.add(
        "kubectl delete -f "
            + options.repository().relativize(options.sample())
            + "   (the agent reverts; apply it again)");
    return keepRunning("the demo is running", hints);
  }

  /** Thrown at the next step boundary after Ctrl-C. */
  public static final class StoppedException extends RuntimeException {
    StoppedException() {
      super("stopped");
    }
  }

  /** Called between steps: after Ctrl-C nothing new is started, the caller cleans up. */
  void checkStopped() {
    if (stop.getCount() == 0) {
      throw new StoppedException();
    }
  }

  /**
   * What runs on this machine for the demo, as the steps after it need it.
   *
   * @param shownName the container whose views are shown
   * @param shown runs commands in it
   * @param abbreviations long strings of its views and their short forms
   * @param hints commands to try while the demo runs, for these pods
   * @param afterReady what else the demo shows once the isolation is Ready
   */
  record Demo(
      String shownName,
      ContainerExec shown,
      Map<String, String> abbreviations,
      List<String> hints,
      Runnable afterReady) {}

  /**
   * The demo on a real node: the node, the node agent for it (with its NRI plugin on the node's
   * containerd), then the pods, which the kubelet runs. The node's undo comes before the agent's in
   * the code and so runs after it: the agent stops first, then the node deletes its pods, stops the
   * kubelet and containerd, and removes what they put on the host.
   */
  private Demo startKubeletDemo(Path workDir) throws Exception {
    KubeletDemo demo =
        KubeletDemo.start(localCluster, binaries, tmpDir(), options, progress, teardown);
    checkStopped();
    AutoCloseable agent =
        controlPlane.startNodeAgent(
            localCluster.nodeAgent(demo.nodeName()),
            demo.nodeName(),
            workDir.resolve("agent-state"),
            demo.nri());
    teardown.add("stop the node agent", agent::close);
    progress.step(
        "node agent running in-process for node "
            + demo.nodeName()
            + identity(ProjectInstall.AGENT_ACCOUNT)
            + ", its NRI plugin on the node's containerd");
    checkStopped();
    return demo.startPods(this::checkStopped);
  }

  /**
   * The node agent, then the demo pods: cgroups nested under the sandbox's own, runc containers in
   * them, Pod and Node objects. The agent's undo runs before the containers' (it must not act on
   * containers being deleted), the cgroups' after them (a cgroup with processes cannot go).
   */
  private Demo startRuncDemo(ClusterAccess cluster, Path workDir) throws Exception {
    String suffix = Long.toHexString(ProcessHandle.current().pid());
    CgroupRoot cgroups = CgroupRoot.create("sandbox", suffix);
    LeftoverSweeper.recordCgroupRoot(workDir, cgroups);
    teardown.add("remove cgroups under " + cgroups.path(), cgroups::close);
    RuncRuntime runtime =
        new RuncRuntime(runc(), workDir, new BusyboxRootfs(Path.of("/bin/busybox")), cgroups);
    teardown.add("delete the demo containers", runtime::deleteAll);

    KubernetesClient client = cluster.client();
    DemoPods demoPods = new DemoPods(client, runtime, options.nodeName());
    demoPods.registerNode();
    if (!options.localControlPlane()) {
      // The sandbox's own control plane goes with everything in it; another cluster keeps them.
      teardown.add(
          "delete the demo Pod and Node objects", () -> deleteDemoObjects(client, demoPods));
    }
    checkStopped();
    AutoCloseable agent =
        controlPlane.startNodeAgent(
            cluster.nodeAgent(options.nodeName()),
            options.nodeName(),
            workDir.resolve("agent-state"));
    teardown.add("stop the node agent", agent::close);
    progress.step(
        "node agent running in-process for node "
            + options.nodeName()
            + identity(ProjectInstall.AGENT_ACCOUNT));

    List<DemoContainer> containers =
        demoPods.start(
            options.pods(),
            c -> {
              progress.step(
                  "pod "
                      + c.name().replaceFirst("-" + DemoPods.CONTAINER_NAME + "$", "")
                      + ": runc container "
                      + c.containerId().substring(0, 12)
                      + " (pid "
                      + c.pid()
                      + ") in cgroup "
                      + c.cgroupsPath());
              checkStopped();
            });
    DemoContainer shown = containers.get(0);
    Map<String, String> abbreviations = new LinkedHashMap<>();
    abbreviations.put(cgroups.path(), "$SANDBOX");
    abbreviations.put(shown.containerId(), shown.containerId().substring(0, 12) + "...");
    return new Demo(
        shown.name(),
        command -> runtime.exec(shown, command),
        abbreviations,
        List.of(
            "runc --root "
                + workDir.resolve(RuncRuntime.STATE_DIR)
                + " exec "
                + shown.name()
                + " ls /sys/fs/cgroup/memory"),
        () -> {});
  }

  /**
   * The sandbox's own control plane, its binaries built first if need be; stopped last of all,
   * after everything that uses it.
   */
  private ClusterAccess startControlPlane() {
    try {
      binaries =
          ControlPlaneBinaries.findOrBuild(
              options.repository(), pods.kind() == PodsKind.KUBELET, progress::step);
    } catch (IllegalStateException e) {
      // Ctrl-C reaches the build too, which then fails: report the stop, not the failure.
      checkStopped();
      throw e;
    }
    checkStopped();
    LocalCluster cluster = LocalCluster.start(binaries, tmpDir(), progress::step);
    localCluster = cluster;
    teardown.add(
        "stop the Kubernetes control plane and remove " + cluster.runDirectory(), cluster::close);
    progress.step(
        "a real Kubernetes control plane on 127.0.0.1: "
            + cluster.versions()
            + ", kube-controller-manager, kube-scheduler (from "
            + cluster.binaries()
            + ")");
    return cluster;
  }

  private ClusterAccess connectToCluster() {
    Config config =
        options.kubeconfig() != null
            ? Config.fromKubeconfig(
                null, readFile(options.kubeconfig()), options.kubeconfig().toString())
            : Config.autoConfigure(null);
    ExistingCluster cluster = new ExistingCluster(config);
    teardown.add("close API client", cluster::close);
    progress.step("using the cluster at " + cluster.serverUrl());
    return cluster;
  }

  /** How a component authenticates, for its progress line. */
  String identity(String serviceAccount) {
    return options.localControlPlane()
        ? " as ServiceAccount "
            + ProjectInstall.SYSTEM_NAMESPACE
            + "/"
            + serviceAccount
            + " (token bound to a pod)"
        : " with your credentials";
  }

  private int keepRunning(String what, List<String> moreToTry) throws InterruptedException {
    progress.step(what + "; Ctrl-C stops it and cleans up. Things to try meanwhile:");
    StringBuilder hints = new StringBuilder();
    kubectlSetup.forEach(line -> hints.append("    ").append(line).append('\n'));
    hints.append("    kubectl get cgroupisolations,cgroupisolationnodes -A\n");
    moreToTry.forEach(h -> hints.append("    ").append(h).append('\n'));
    progress.text(hints.toString());
    stop.await();
    return OK;
  }

  private void deleteAndWait(KubernetesClient client, HasMetadata object)
      throws InterruptedException {
    client.resource(object).delete();
    long deadline = System.nanoTime() + DELETE_WAIT.toNanos();
    while (client.resource(object).get() != null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "still present after " + DELETE_WAIT.toSeconds() + " s (finalizer not released)");
      }
      Thread.sleep(200);
    }
  }

  private void deleteDemoObjects(KubernetesClient client, DemoPods demoPods) {
    demoPods.deletePods(options.pods());
    client.nodes().withName(options.nodeName()).delete();
  }

  private static String runc() {
    return Preflight.findRunc().orElseThrow().toString();
  }

  static Path tmpDir() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  private static String readFile(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
