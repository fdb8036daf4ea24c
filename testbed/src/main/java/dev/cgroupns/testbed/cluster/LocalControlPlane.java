package dev.cgroupns.testbed.cluster;

import dev.cgroupns.testbed.node.BridgeNetwork;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A real Kubernetes control plane on loopback, from the official binaries: etcd, kube-apiserver
 * (Node and RBAC authorization, the default admission plugins, privileged pods allowed),
 * kube-controller-manager (service-account tokens, garbage collection, namespaces, node lifecycle,
 * ...) and kube-scheduler, each on free ports, with certificates made for this run. What envtest
 * does for Go, plus the controllers and a way to act as any service account.
 *
 * <p>Start one per JVM ({@link #shared}) and give each test a namespace of its own ({@link
 * #newNamespace}). {@link #close} stops every process and removes the run directory; a JVM killed
 * before it could is cleaned up after by the next start ({@link RunDirectories#sweep}).
 */
public final class LocalControlPlane implements AutoCloseable {

  /** The service network; the API server's in-cluster address is its first address. */
  public static final String SERVICE_CIDR = "10.96.0.0/24";

  /** The user of {@link #adminClient()}, in group {@code system:masters}. */
  public static final String ADMIN_USER = "cgroupns-test-admin";

  /** The user the API server presents to kubelets (exec, logs, port-forward). */
  public static final String APISERVER_KUBELET_CLIENT = "kube-apiserver-kubelet-client";

  private static final Duration READY_WITHIN = Duration.ofSeconds(90);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static LocalControlPlane shared;

  private final KubeBinaries binaries;
  private final Path runDir;
  private final Consumer<String> progress;
  private final List<ComponentProcess> processes = new ArrayList<>();
  private Pki pki;
  private String serverUrl;
  private Path adminKubeconfig;
  private KubernetesClient admin;
  private AuditLog auditLog;

  private LocalControlPlane(KubeBinaries binaries, Path runDir, Consumer<String> progress) {
    this.binaries = binaries;
    this.runDir = runDir;
    this.progress = progress;
  }

  /**
   * Starts a control plane in a new run directory under {@code parent}, after sweeping what dead
   * runs left there; it is ready (API server ready, default service account made) when this
   * returns.
   */
  public static LocalControlPlane start(
      KubeBinaries binaries, Path parent, Consumer<String> progress) {
    RunDirectories.sweep(parent, progress);
    LocalControlPlane plane =
        new LocalControlPlane(binaries, RunDirectories.create(parent), progress);
    try {
      plane.boot();
      return plane;
    } catch (RuntimeException | Error e) {
      try {
        plane.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * The control plane of this JVM, started on first use in the temporary directory and stopped when
   * the JVM exits.
   */
  public static synchronized LocalControlPlane shared(
      KubeBinaries binaries, Consumer<String> progress) {
    if (shared == null) {
      LocalControlPlane plane =
          start(binaries, Path.of(System.getProperty("java.io.tmpdir")), progress);
      Runtime.getRuntime().addShutdownHook(new Thread(plane::close, "local-control-plane-stop"));
      shared = plane;
    }
    return shared;
  }

  private void boot() {
    Instant started = Instant.now();
    pki = Pki.create(runDir.resolve("pki"));
    Pki.KeyFiles serving =
        pki.serving(
            "apiserver",
            List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc"),
            // The Service address, and the node bridge's, where pods reach the API through the
            // node's relay (there is no kube-proxy).
            List.of("10.96.0.1", BridgeNetwork.GATEWAY));
    Pki.KeyFiles serviceAccounts = pki.serviceAccountKeys();
    Pki.KeyFiles kubeletClient =
        pki.client("apiserver-kubelet-client", APISERVER_KUBELET_CLIENT, List.of());

    int etcdPort = FreePorts.next();
    int etcdPeerPort = FreePorts.next();
    String etcdUrl = "http://127.0.0.1:" + etcdPort;
    processes.add(
        ComponentProcess.start(
            "etcd",
            binaries.path("etcd"),
            List.of(
                "--data-dir=" + runDir.resolve("etcd"),
                "--listen-client-urls=" + etcdUrl,
                "--advertise-client-urls=" + etcdUrl,
                "--listen-peer-urls=http://127.0.0.1:" + etcdPeerPort,
                "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeerPort,
                "--initial-cluster=default=http://127.0.0.1:" + etcdPeerPort,
                // A test cluster's data is thrown away: no fsync, which is most of etcd's latency.
                "--unsafe-no-fsync=true",
                "--log-level=warn"),
            runDir));

    Path auditPolicy = runDir.resolve("audit-policy.yaml");
    try {
      Files.writeString(auditPolicy, AuditLog.POLICY);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    auditLog = new AuditLog(runDir.resolve("audit.log"));
    int apiPort = FreePorts.next();
    serverUrl = "https://127.0.0.1:" + apiPort;
    processes.add(
        ComponentProcess.start(
            "kube-apiserver",
            binaries.path("kube-apiserver"),
            List.of(
                "--etcd-servers=" + etcdUrl,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                "--secure-port=" + apiPort,
                "--cert-dir=" + runDir.resolve("apiserver-certs"),
                "--tls-cert-file=" + serving.certificate(),
                "--tls-private-key-file=" + serving.key(),
                "--client-ca-file=" + pki.caFile(),
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + serviceAccounts.certificate(),
                "--service-account-signing-key-file=" + serviceAccounts.key(),
                "--authorization-mode=Node,RBAC",
                "--service-cluster-ip-range=" + SERVICE_CIDR,
                "--allow-privileged=true",
                // exec and logs reach a kubelet by its node name, which a node harness resolves to
                // loopback: no traffic leaves the machine.
                "--kubelet-preferred-address-types=Hostname",
                "--kubelet-certificate-authority=" + pki.caFile(),
                "--kubelet-client-certificate=" + kubeletClient.certificate(),
                "--kubelet-client-key=" + kubeletClient.key(),
                "--audit-policy-file=" + auditPolicy,
                "--audit-log-path=" + runDir.resolve("audit.log"),
                "--audit-log-format=json",
                "--profiling=false"),
            runDir));

    adminKubeconfig =
        writeKubeconfig("admin", pki.client("admin", ADMIN_USER, List.of("system:masters")));
    admin = new KubernetesClientBuilder().withConfig(adminConfig()).build();
    awaitTrue("kube-apiserver /readyz", this::apiServerReady);

    processes.add(
        ComponentProcess.start(
            "kube-controller-manager",
            binaries.path("kube-controller-manager"),
            List.of(
                "--kubeconfig="
                    + writeKubeconfig(
                        "controller-manager",
                        pki.client(
                            "controller-manager", "system:kube-controller-manager", List.of())),
                "--bind-address=127.0.0.1",
                "--secure-port=" + FreePorts.next(),
                "--leader-elect=false",
                "--use-service-account-credentials=true",
                "--service-account-private-key-file=" + serviceAccounts.key(),
                "--root-ca-file=" + pki.caFile(),
                "--service-cluster-ip-range=" + SERVICE_CIDR,
                // No cloud and no pod network to allocate: these controllers would only fail.
                "--controllers=*,-node-ipam-controller,-cloud-node-lifecycle-controller,"
                    + "-service-lb-controller,-node-route-controller",
                // Pods on a node that stops reporting are evicted after this long.
                "--node-monitor-grace-period=20s",
                "--concurrent-gc-syncs=5"),
            runDir));
    processes.add(
        ComponentProcess.start(
            "kube-scheduler",
            binaries.path("kube-scheduler"),
            List.of(
                "--kubeconfig="
                    + writeKubeconfig(
                        "scheduler", pki.client("scheduler", "system:kube-scheduler", List.of())),
                "--bind-address=127.0.0.1",
                "--secure-port=" + FreePorts.next(),
                "--leader-elect=false"),
            runDir));
    // Pods can be created only once the controller-manager has made a namespace's default
    // service account: that it exists in "default" shows the controllers work.
    awaitTrue(
        "the default service account (made by kube-controller-manager)",
        () -> admin.serviceAccounts().inNamespace("default").withName("default").get() != null);
    progress.accept(
        "Kubernetes control plane ready at "
            + serverUrl
            + " in "
            + Duration.between(started, Instant.now()).toMillis()
            + " ms ("
            + runDir
            + ")");
  }

  // ---- access ---------------------------------------------------------------------------------

  /** {@code https://127.0.0.1:PORT}. */
  public String serverUrl() {
    return serverUrl;
  }

  /** The cluster's CA certificate in PEM (servers' certificates and client certificates). */
  public String caPem() {
    return pki.caPem();
  }

  /** The cluster's CA certificate file. */
  public Path caFile() {
    return pki.caFile();
  }

  /** A kubeconfig for kubectl as cluster admin ({@code system:masters}). */
  public Path adminKubeconfig() {
    return adminKubeconfig;
  }

  /** A client configuration for the cluster admin. */
  public Config adminConfig() {
    return configOf(adminKubeconfig);
  }

  /** A client of the cluster admin, shared (do not close it). */
  public KubernetesClient adminClient() {
    return admin;
  }

  /** The API server's record of every request it answered. */
  public AuditLog auditLog() {
    return auditLog;
  }

  /** The binaries this control plane runs (kubectl among them). */
  public KubeBinaries binaries() {
    return binaries;
  }

  /** This run's directory: logs, certificates, kubeconfigs, etcd's data. */
  public Path runDirectory() {
    return runDir;
  }

  /**
   * A kubeconfig (and its configuration) for a user authenticated by a client certificate: any user
   * name and groups, e.g. a person bound to the project's user roles.
   */
  public Path userKubeconfig(String user, List<String> groups) {
    String file = "user-" + Integer.toHexString(Objects.hash(user, groups));
    return writeKubeconfig(file, pki.client(file, user, groups));
  }

  /**
   * A kubeconfig for the kubelet of node {@code nodeName}: a client certificate of user {@code
   * system:node:NAME} in group {@code system:nodes}, which the Node authorizer limits to that
   * node's objects.
   */
  public Path nodeKubeconfig(String nodeName) {
    return writeKubeconfig(
        "node-" + nodeName,
        pki.client("node-" + nodeName, "system:node:" + nodeName, List.of("system:nodes")));
  }

  /**
   * The kubelet's serving certificate for node {@code nodeName}, signed by the cluster's CA, which
   * the API server checks when it connects for exec and logs ({@code
   * --kubelet-certificate-authority}): valid for the node's name, which resolves to loopback.
   */
  public Pki.KeyFiles kubeletServingCertificate(String nodeName) {
    return pki.serving("kubelet-" + nodeName, List.of(nodeName), List.of());
  }

  /**
   * A token of {@code serviceAccount} bound to the pod {@code podName}, as the kubelet projects it
   * into that pod: when the pod has {@code spec.nodeName}, the token's user carries the node in
   * {@code authentication.kubernetes.io/node-name}.
   */
  public String boundToken(String namespace, String serviceAccount, String podName) {
    Pod pod = admin.pods().inNamespace(namespace).withName(podName).get();
    if (pod == null) {
      throw new IllegalArgumentException("no pod " + namespace + "/" + podName);
    }
    TokenRequest request =
        new TokenRequestBuilder()
            .withNewSpec()
            .withExpirationSeconds(3600L)
            .withNewBoundObjectRef()
            .withApiVersion("v1")
            .withKind("Pod")
            .withName(podName)
            .withUid(pod.getMetadata().getUid())
            .endBoundObjectRef()
            .endSpec()
            .build();
    return admin
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(serviceAccount)
        .tokenRequest(request)
        .getStatus()
        .getToken();
  }

  /** A kubeconfig file that authenticates with {@code token}. */
  public Path tokenKubeconfig(String name, String token) {
    return Kubeconfigs.withToken(
        runDir.resolve("kubeconfig-" + name), "cgroupns-local", serverUrl, pki.caPem(), token);
  }

  /** The client configuration of a kubeconfig file. */
  public static Config configOf(Path kubeconfig) {
    try {
      return Config.fromKubeconfig(Files.readString(kubeconfig));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a namespace {@code prefix-N} of its own for one test, and returns its name. */
  public String newNamespace(String prefix) {
    String name = prefix + "-" + NAMESPACES.incrementAndGet();
    Namespace namespace =
        new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
    admin.resource(namespace).create();
    awaitTrue(
        "the default service account of namespace " + name,
        () -> admin.serviceAccounts().inNamespace(name).withName("default").get() != null);
    return name;
  }

  /** Whether every process still runs. */
  public boolean isRunning() {
    return !processes.isEmpty() && processes.stream().allMatch(ComponentProcess::isAlive);
  }

  /** The pids of the running components, by name. */
  public java.util.Map<String, Long> pids() {
    java.util.Map<String, Long> pids = new java.util.LinkedHashMap<>();
    processes.forEach(p -> pids.put(p.name(), p.pid()));
    return pids;
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Stops every process (API server first, etcd last) and removes the run directory. */
  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close();
      admin = null;
    }
    List<ComponentProcess> reverse = new ArrayList<>(processes);
    java.util.Collections.reverse(reverse);
    for (ComponentProcess process : reverse) {
      process.close();
    }
    processes.clear();
    RunDirectories.deleteTree(runDir);
  }

  private Path writeKubeconfig(String name, Pki.KeyFiles client) {
    return Kubeconfigs.withCertificate(
        runDir.resolve("kubeconfig-" + name), "cgroupns-local", serverUrl, pki.caPem(), client);
  }

  private boolean apiServerReady() {
    try {
      return "ok".equals(admin.raw("/readyz"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void awaitTrue(String what, Supplier<Boolean> condition) {
    Instant deadline = Instant.now().plus(READY_WITHIN);
    while (true) {
      processes.forEach(ComponentProcess::checkAlive);
      try {
        if (Boolean.TRUE.equals(condition.get())) {
          return;
        }
      } catch (RuntimeException e) {
        // Not there yet.
      }
      if (Instant.now().isAfter(deadline)) {
        StringBuilder logs = new StringBuilder();
        processes.forEach(
            p -> logs.append("\n--- ").append(p.name()).append(":\n").append(p.logTail(15)));
        throw new IllegalStateException("timed out waiting for " + what + logs);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }
}
