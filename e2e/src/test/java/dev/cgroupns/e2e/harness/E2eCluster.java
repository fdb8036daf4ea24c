package dev.cgroupns.e2e.harness;

import static org.awaitility.Awaitility.await;

import dev.cgroupns.agent.testing.Requirements;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.operator.targets.DesiredNodeObjects;
import dev.cgroupns.sandbox.Preflight;
import dev.cgroupns.sandbox.Progress;
import dev.cgroupns.sandbox.Teardown;
import dev.cgroupns.sandbox.demo.ContainerView;
import dev.cgroupns.sandbox.demo.ContainerViewReader;
import dev.cgroupns.sandbox.demo.DemoPods;
import dev.cgroupns.sandbox.system.ControlPlane;
import dev.cgroupns.sandbox.system.InProcessControlPlane;
import dev.cgroupns.testbed.cluster.AuditLog;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.PodIdentities;
import dev.cgroupns.testbed.cluster.ProjectInstall;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.kube.faults.FaultProxy;
import dev.cgroupns.testbed.kube.faults.FaultRules;
import dev.cgroupns.testbed.runc.BusyboxRootfs;
import dev.cgroupns.testbed.runc.CgroupHierarchies;
import dev.cgroupns.testbed.runc.CgroupRoot;
import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import dev.cgroupns.testbed.runc.LeftoverSweeper;
import dev.cgroupns.testbed.runc.RuncRuntime;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;

/**
 * The whole system on this machine, for one test: a real Kubernetes control plane (shared by the
 * tests of this JVM, with the project's CRDs, RBAC and admission policy installed from
 * manifests/base), a namespace of the test's own, the operator and one real node agent (node {@link
 * #NODE}) running with their own service accounts' pod-bound tokens, and runc containers standing
 * in for pods, with Pod objects carrying their UIDs, container IDs, node name and statuses.
 *
 * <p>Everything is built from the sandbox's parts, so the end-to-end tests run what {@code
 * sandbox/bin/sandbox} runs. {@link #close} undoes every step in reverse order and then checks that
 * the machine is as it was: the host's mountinfo byte for byte, no container or cgroup left (the
 * work directory, with the agent's revert records, goes last). It also fails the test when the API
 * server answered any request of the operator or the agent with 403 Forbidden: the manifests' RBAC
 * must let them do all they do.
 *
 * <p>Needs root, runc and busybox: outside CI a test without them is skipped with the reason, with
 * {@code CI=true} it fails.
 */
public final class E2eCluster implements AutoCloseable {

  /** The one node with a real agent; the pods run on it. */
  public static final String NODE = "e2e-node";

  /**
   * The longest any wait for the system may take before the test fails. Not a performance bound:
   * generous, for a 2-core CI machine shared with other builds.
   */
  public static final Duration WAIT = Duration.ofSeconds(60);

  private static final Duration POLL = Duration.ofMillis(100);

  /** Clusters started in this JVM, which tells their cgroup roots apart. */
  private static final AtomicInteger CLUSTERS_STARTED = new AtomicInteger();

  private final Progress progress = new Progress(System.out);
  private final Teardown teardown = new Teardown(progress);
  private final ControlPlane controlPlane;
  private final byte[] hostMountInfoBefore;
  private Path workDir;
  private LocalControlPlane api;
  private String namespace;
  private Config operatorConfig;
  private Config agentConfig;
  private long auditStart;
  private FaultProxy proxy;
  private KubernetesClient client;
  private CgroupRoot cgroups;
  private RuncRuntime runtime;
  private DemoPods pods;
  private AutoCloseable operator;
  private AutoCloseable agent;

  private E2eCluster(ControlPlane controlPlane) {
    this.controlPlane = controlPlane;
    hostMountInfoBefore = hostMountInfoBytes();
  }

  /**
   * Starts everything; the operator and the agent are running when it returns.
   *
   * @throws org.opentest4j.TestAbortedException outside CI without root, runc or busybox
   */
  public static E2eCluster start() {
    return start(new InProcessControlPlane());
  }

  /**
   * Starts everything with another way of running the operator and the agent, e.g. {@link
   * AgentProcessControlPlane} (the agent in a child JVM that can be killed).
   */
  public static E2eCluster start(ControlPlane controlPlane) {
    Requirements.requireLinuxProc();
    Requirements.requireRunc();
    Requirements.requireBusybox();
    E2eCluster cluster = new E2eCluster(controlPlane);
    try {
      cluster.boot();
    } catch (Exception | Error e) {
      List<String> failures = cluster.teardown.run();
      failures.forEach(f -> e.addSuppressed(new IllegalStateException("cleanup: " + f)));
      if (e instanceof RuntimeException r) {
        throw r;
      }
      if (e instanceof Error r) {
        throw r;
      }
      throw new IllegalStateException("could not start the end-to-end cluster", e);
    }
    return cluster;
  }

  private void boot() throws Exception {
    String runc = Preflight.findRunc().orElseThrow().toString();
    // Runs killed before they could clean up (SIGKILL, OOM) leave containers and cgroups.
    new LeftoverSweeper(tmpDir(), CgroupHierarchies.mounted(), runc).sweep(progress::step);
    workDir = Files.createTempDirectory(LeftoverSweeper.WORK_DIR_PREFIX);
    teardown.add("remove work directory " + workDir, () -> deleteTree(workDir));
    LeftoverSweeper.claim(workDir);

    api = TestClusters.withProject();
    client = api.adminClient();
    namespace = api.newNamespace("e2e");
    teardown.add("delete namespace " + namespace, this::deleteNamespace);
    // The operator and the agent reach the API server through a proxy that passes everything on
    // unless a test programs a fault: the faults come in front of the real server.
    proxy = FaultProxy.start(java.net.URI.create(api.serverUrl()), api.caFile());
    teardown.add("stop the fault proxy", proxy::close);
    operatorConfig =
        proxy.throughProxy(PodIdentities.operator(api, "cgroup-isolation-operator-e2e"));
    auditStart = api.auditLog().end();

    teardown.add("stop the operator", this::stopOperator);
    startOperator();

    // One cgroup root per cluster, not per JVM: whatever one test could not remove (a process
    // still inside after a failure) must not fail every later test of the run with it.
    cgroups =
        CgroupRoot.create(
            "sandbox",
            Long.toHexString(ProcessHandle.current().pid())
                + String.format("%04x", CLUSTERS_STARTED.incrementAndGet() & 0xffff));
    LeftoverSweeper.recordCgroupRoot(workDir, cgroups);
    teardown.add("remove the cgroups under " + cgroups.path(), cgroups::close);
    runtime = new RuncRuntime(runc, workDir, new BusyboxRootfs(Path.of("/bin/busybox")), cgroups);
    teardown.add("delete every container", this::deleteAllContainers);
    pods = new DemoPods(client, runtime, NODE, namespace);
    pods.registerNode();
    agentConfig = proxy.throughProxy(PodIdentities.nodeAgent(api, NODE));

    teardown.add("stop the node agent", this::stopAgent);
    startAgent();
    // Runs first: the agent reverts while operator, agent and containers are all still there.
    teardown.add("delete every CgroupIsolation and wait for its finalizer", this::deleteIsolations);
  }

  // ---- the parts ------------------------------------------------------------------------------

  /** A client of the cluster admin, shared by the tests (do not close it). */
  public KubernetesClient client() {
    return client;
  }

  /** The real control plane, e.g. for its audit log. */
  public LocalControlPlane controlPlane() {
    return api;
  }

  /**
   * The faults the operator's and the agent's requests meet on their way to the API server (none
   * until a test adds one).
   */
  public FaultRules faults() {
    return proxy.faults();
  }

  /** The test's own namespace: its pods and CgroupIsolations live there. */
  public String namespace() {
    return namespace;
  }

  /** The user name of {@link #client()} as the API server sees it (in its audit log). */
  public String adminUser() {
    return LocalControlPlane.ADMIN_USER;
  }

  /** How the operator connects: its service account's token. */
  public Config operatorConfig() {
    return operatorConfig;
  }

  /** How the agent of {@link #NODE} connects: a token bound to a pod on that node. */
  public Config agentConfig() {
    return agentConfig;
  }

  /** The agent's state directory: its revert records ({@code <pid>-<start>.json}) and locks. */
  public Path agentStateDir() {
    return workDir.resolve("agent-state");
  }

  /** The cgroup every container of this cluster lives under (nested under this JVM's own). */
  public String cgroupRoot() {
    return cgroups.path();
  }

  // ---- operator and agent ---------------------------------------------------------------------

  public synchronized void startOperator() throws Exception {
    if (operator == null) {
      operator = controlPlane.startOperator(operatorConfig);
      progress.step("operator running");
    }
  }

  /** Stops the operator gracefully (no-op when stopped). */
  public synchronized void stopOperator() throws Exception {
    if (operator != null) {
      AutoCloseable stopping = operator;
      operator = null;
      stopping.close();
      progress.step("operator stopped");
    }
  }

  public synchronized void startAgent() throws Exception {
    if (agent == null) {
      agent = controlPlane.startNodeAgent(agentConfig, NODE, agentStateDir());
      progress.step("node agent running for " + NODE);
    }
  }

  /** Stops the agent gracefully, keeping its state directory (no-op when stopped). */
  public synchronized void stopAgent() throws Exception {
    if (agent != null) {
      AutoCloseable stopping = agent;
      agent = null;
      stopping.close();
      progress.step("node agent stopped");
    }
  }

  /**
   * Kills the agent with SIGKILL, wherever it is in its work (only when it runs as an {@link
   * AgentProcess}); its state directory stays, as a node's /run does.
   */
  public synchronized void killAgent() throws InterruptedException {
    AgentProcess process = agentProcess();
    agent = null;
    process.kill();
    progress.step("node agent killed (SIGKILL, pid " + process.pid() + ")");
  }

  /** The running agent's process, for its metrics and log. */
  public synchronized AgentProcess agentProcess() {
    if (!(agent instanceof AgentProcess process)) {
      throw new IllegalStateException(
          "no agent process: start the cluster with an AgentProcessControlPlane and the agent");
    }
    return process;
  }

  /** Stops and starts the agent, as a DaemonSet pod restart would. */
  public void restartAgent() throws Exception {
    stopAgent();
    startAgent();
  }

  // ---- pods -----------------------------------------------------------------------------------

  /**
   * Starts one pod (a Pod object and its runc container) with the given labels: a privileged pod's
   * container, in the host's cgroup namespace with the host's whole cgroupfs, read-write.
   */
  public E2ePod startPod(String name, Map<String, String> labels) {
    DemoContainer container =
        pods.startPod(name, labels, c -> progress.step("pod " + name + ": " + describe(c)));
    return new E2ePod(name, container);
  }

  /**
   * Starts one pod whose container is made as {@code spec} says, e.g. {@code
   * ContainerSpec.plain().withCgroupNamespace()} for a container whose runtime gave it a private
   * cgroup namespace (the pod is privileged only when the container sees the host's cgroupfs).
   */
  public E2ePod startPod(String name, Map<String, String> labels, ContainerSpec spec) {
    DemoContainer container =
        pods.startPod(name, labels, spec, c -> progress.step("pod " + name + ": " + describe(c)));
    return new E2ePod(name, container);
  }

  /**
   * Starts one pod whose Pod object {@code podSpec} changes before it is created (volumes,
   * annotations); its container is a privileged pod's.
   */
  public E2ePod startPod(String name, Map<String, String> labels, UnaryOperator<Pod> podSpec) {
    DemoContainer container =
        pods.startPod(
            name,
            labels,
            ContainerSpec.privilegedPod(),
            podSpec,
            c -> progress.step("pod " + name + ": " + describe(c)));
    return new E2ePod(name, container);
  }

  /** Starts pods {@code prefix-0 .. prefix-(count-1)}, all with the given labels. */
  public List<E2ePod> startPods(String prefix, int count, Map<String, String> labels) {
    List<E2ePod> started = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      started.add(startPod(prefix + "-" + i, labels));
    }
    return started;
  }

  /**
   * Replaces the pod's container by a new one (new ID) in the same pod cgroup, and reports it in
   * the pod status with one more restart, as kubelet does after a crash.
   */
  public E2ePod restartContainer(E2ePod pod) {
    DemoContainer next =
        pods.restart(
            pod.name(),
            pod.container(),
            c -> progress.step("pod " + pod.name() + " restarted: " + describe(c)));
    return new E2ePod(pod.name(), next);
  }

  /** Deletes the pod: its container first, then the Pod object, as kubelet does. */
  public void deletePod(E2ePod pod) {
    runtime.delete(pod.container().name());
    pods.deletePod(pod.name());
    progress.step("pod " + pod.name() + " deleted");
  }

  /** The stored Pod object of the pod, or null. */
  public Pod podObject(E2ePod pod) {
    return client.pods().inNamespace(namespace).withName(pod.name()).get();
  }

  /** Whether the pod's container still runs (runc knows it). */
  public boolean isRunning(E2ePod pod) {
    return runtime.list().contains(pod.container().name());
  }

  // ---- what the containers and the host see ---------------------------------------------------

  /**
   * What the container sees, read inside it ({@code runc exec}: its mount namespace, its cgroup
   * namespace): its /proc/self/cgroup, its cgroup mounts as its mountinfo shows them, and how much
   * of the cgroup tree it can reach.
   */
  public ContainerView seenBy(E2ePod pod) {
    return ContainerViewReader.read(runtime, pod.container());
  }

  /** Runs a program inside the pod's container (no shell) and returns its output. */
  public String exec(E2ePod pod, String... command) {
    return runtime.exec(pod.container(), command);
  }

  /** Runs a command in the pod's container with CAP_SYS_ADMIN, as a privileged pod may. */
  public String execAsAdmin(E2ePod pod, String... command) {
    return runtime.execWith(pod.container(), List.of("CAP_SYS_ADMIN"), command);
  }

  /** This process's mountinfo: the host's mounts, which nothing may change. */
  public String hostMountInfo() {
    return new String(hostMountInfoBytes(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Whether the host's mountinfo is byte for byte what it was when the cluster started. */
  public boolean hostMountsUnchanged() {
    return Arrays.equals(hostMountInfoBefore, hostMountInfoBytes());
  }

  /** The lines of the host's mountinfo that appeared and vanished since the cluster started. */
  public String hostMountChanges() {
    List<String> before =
        List.of(
            new String(hostMountInfoBefore, java.nio.charset.StandardCharsets.UTF_8).split("\n"));
    List<String> now = List.of(hostMountInfo().split("\n"));
    List<String> appeared = new ArrayList<>(now);
    appeared.removeAll(before);
    List<String> vanished = new ArrayList<>(before);
    vanished.removeAll(now);
    return "appeared " + appeared + ", vanished " + vanished;
  }

  /** The agent's revert records: one per container it changed and has not reverted yet. */
  public List<Path> revertRecords() {
    Path dir = agentStateDir();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- the API objects ------------------------------------------------------------------------

  /** Creates a CgroupIsolation, in the test's namespace unless it names another. */
  public CgroupIsolation apply(CgroupIsolation isolation) {
    if (isolation.getMetadata().getNamespace() == null) {
      isolation.getMetadata().setNamespace(namespace);
    }
    return client.resource(isolation).create();
  }

  /** The stored CgroupIsolation, or null. */
  public CgroupIsolation isolation(String name) {
    return client.resources(CgroupIsolation.class).inNamespace(namespace).withName(name).get();
  }

  /** Edits a CgroupIsolation's spec (or anything else) with a read-modify-write. */
  public CgroupIsolation edit(String name, UnaryOperator<CgroupIsolation> e) {
    return client.resources(CgroupIsolation.class).inNamespace(namespace).withName(name).edit(e);
  }

  /** Deletes a CgroupIsolation; the finalizer keeps it until the agents have reverted. */
  public void delete(String isolationName) {
    client.resources(CgroupIsolation.class).inNamespace(namespace).withName(isolationName).delete();
  }

  /** Waits until the stored CgroupIsolation satisfies the condition, and returns it. */
  public CgroupIsolation awaitIsolation(String name, Predicate<CgroupIsolation> condition) {
    return waiting("CgroupIsolation " + name)
        .until(() -> isolation(name), i -> i != null && condition.test(i));
  }

  /** Waits until Stalled=True describes the current generation, and returns the object. */
  public CgroupIsolation awaitStalled(String name) {
    return awaitIsolation(
        name,
        i ->
            i.getStatus() != null
                && Objects.equals(i.getMetadata().getGeneration(), i.getStatus().observedGeneration)
                && IsolationConditions.condition(i, "Stalled")
                    .filter(c -> "True".equals(c.getStatus()))
                    .isPresent());
  }

  /** Waits until Ready=True describes the current generation, and returns the object. */
  public CgroupIsolation awaitReady(String name) {
    return awaitIsolation(name, IsolationConditions::readyForCurrentGeneration);
  }

  /**
   * Waits until a generation newer than {@code earlier}'s is Ready for that generation and {@code
   * also} holds: what a test waits for after it changed the spec.
   */
  public CgroupIsolation awaitReadyAfter(CgroupIsolation earlier, Predicate<CgroupIsolation> also) {
    long generation = earlier.getMetadata().getGeneration();
    return awaitIsolation(
        earlier.getMetadata().getName(),
        i ->
            i.getMetadata().getGeneration() > generation
                && IsolationConditions.readyForCurrentGeneration(i)
                && also.test(i));
  }

  /** Waits until the CgroupIsolation is gone (its finalizer released). */
  public void awaitGone(String name) {
    waiting("CgroupIsolation " + name + " to be gone").until(() -> isolation(name) == null);
  }

  /** The per-node object of an isolation on {@link #NODE}, or null. */
  public CgroupIsolationNode nodeObject(String isolationName) {
    return client
        .resources(CgroupIsolationNode.class)
        .inNamespace(namespace)
        .withName(DesiredNodeObjects.objectName(isolationName, NODE))
        .get();
  }

  /** Every per-node object of an isolation (whatever its node). */
  public List<CgroupIsolationNode> nodeObjects(String isolationName) {
    return client
        .resources(CgroupIsolationNode.class)
        .inNamespace(namespace)
        .list()
        .getItems()
        .stream()
        .filter(o -> o.getSpec() != null && isolationName.equals(o.getSpec().isolationName))
        .toList();
  }

  /**
   * Waits until the isolation's object for {@link #NODE} has a status that answers its current
   * generation and satisfies the condition, and returns it.
   */
  public CgroupIsolationNode awaitNodeStatus(
      String isolationName, Predicate<CgroupIsolationNode> condition) {
    return waiting("CgroupIsolationNode of " + isolationName)
        .until(
            () -> nodeObject(isolationName),
            o ->
                o != null
                    && o.getStatus() != null
                    && Objects.equals(
                        o.getMetadata().getGeneration(), o.getStatus().observedGeneration)
                    && condition.test(o));
  }

  /** The Events whose involved object is this object (matched by UID). */
  public List<Event> eventsAbout(HasMetadata object) {
    String uid = object.getMetadata().getUid();
    return client
        .v1()
        .events()
        .inNamespace(object.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(e -> e.getInvolvedObject() != null && uid.equals(e.getInvolvedObject().getUid()))
        .toList();
  }

  /** Awaitility, with the cluster's bound and poll interval, naming what is waited for. */
  public static ConditionFactory waiting(String what) {
    return await(what).atMost(WAIT).pollInterval(POLL).pollDelay(Duration.ZERO);
  }

  // ---- teardown -------------------------------------------------------------------------------

  /**
   * Undoes everything in reverse order, then checks that the machine is clean.
   *
   * @throws AssertionError naming what could not be undone, or when the host's mounts changed
   */
  @Override
  public void close() {
    List<String> problems = new ArrayList<>(teardown.run());
    if (!hostMountsUnchanged()) {
      problems.add("the host's mountinfo changed during the test: " + hostMountChanges());
    }
    List<AuditLog.Entry> forbidden = forbiddenRequests();
    if (!forbidden.isEmpty()) {
      problems.add("the operator or the agent was refused (403) by the API server: " + forbidden);
    }
    if (cgroups != null && !cgroups.remaining().isEmpty()) {
      problems.add("cgroups left behind: " + cgroups.remaining());
    }
    if (workDir != null && Files.exists(workDir)) {
      problems.add("work directory left behind: " + workDir);
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(
          "the end-to-end cluster did not leave the machine clean: " + problems);
    }
  }

  /**
   * Deletes the CgroupIsolations a test left, so the agent reverts their containers while it still
   * can. Without an operator nobody would release the finalizers: skipped then (the containers, and
   * their mounts, go away with their mount namespaces anyway).
   */
  private void deleteIsolations() {
    if (operator == null || agent == null) {
      return;
    }
    List<CgroupIsolation> left =
        client.resources(CgroupIsolation.class).inAnyNamespace().list().getItems();
    for (CgroupIsolation isolation : left) {
      client.resource(isolation).delete();
    }
    for (CgroupIsolation isolation : left) {
      waiting("CgroupIsolation " + isolation.getMetadata().getName() + " to be gone at teardown")
          .until(() -> client.resource(isolation).get() == null);
    }
  }

  /** The requests of the operator and the agent that the API server refused since the start. */
  public List<AuditLog.Entry> forbiddenRequests() {
    if (api == null) {
      return List.of();
    }
    List<String> users =
        List.of(
            ProjectInstall.userOf(ProjectInstall.OPERATOR_ACCOUNT),
            ProjectInstall.userOf(ProjectInstall.AGENT_ACCOUNT));
    return api.auditLog()
        .entriesAfter(auditStart, e -> e.code() == 403 && users.contains(e.user()));
  }

  /**
   * Removes the test's pods at once (no kubelet would confirm a graceful deletion) and then its
   * namespace, so that later tests on the same control plane see nothing of this one.
   */
  private void deleteNamespace() {
    client.pods().inNamespace(namespace).withGracePeriod(0).delete();
    client.namespaces().withName(namespace).delete();
  }

  private void deleteAllContainers() {
    List<String> failed = new ArrayList<>();
    for (String name : runtime.list()) {
      try {
        runtime.delete(name);
      } catch (RuntimeException e) {
        failed.add(name + ": " + e.getMessage());
      }
    }
    if (!runtime.list().isEmpty() || !failed.isEmpty()) {
      throw new IllegalStateException("containers left: " + runtime.list() + " " + failed);
    }
  }

  private static String describe(DemoContainer c) {
    return "runc container "
        + c.containerId().substring(0, 12)
        + " (pid "
        + c.pid()
        + ") in cgroup "
        + c.cgroupsPath();
  }

  /** The checkout (with crds/), found from the module directory upwards. */
  public static Path repository() {
    return TestClusters.checkout();
  }

  private static byte[] hostMountInfoBytes() {
    try {
      return Files.readAllBytes(Path.of("/proc/self/mountinfo"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tmpDir() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
