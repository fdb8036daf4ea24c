package dev.cgroupns.agent.daemon.nri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.daemon.NodeAgentDaemon;
import dev.cgroupns.agent.daemon.targets.Protection;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.agent.testing.InProcessAgent;
import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.AtCreationState;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.HostCgroupfsPolicy;
import dev.cgroupns.api.v1alpha1.LabelValues;
import dev.cgroupns.api.v1alpha1.PodSelector;
import dev.cgroupns.api.v1alpha1.PodTarget;
import dev.cgroupns.nri.Plugin;
import dev.cgroupns.nri.PluginConnection;
import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.kube.CrdInstaller;
import dev.cgroupns.testbed.node.BusyboxPodYaml;
import dev.cgroupns.testbed.node.NriValidation;
import dev.cgroupns.testbed.node.RealNode;
import dev.cgroupns.testbed.node.TestNodes;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real node (containerd 2.2 and runc against the local control plane), the agent as {@code
 * node-agent run} wires it, with containerd's NRI socket, isolates selected containers as they are
 * created: their first instruction already reads ":/" for every hierarchy, their cgroupfs is rooted
 * at their own cgroup and read-only, for a plain, a privileged and an included hostPath pod alike,
 * without any remount, and the status says {@code isolatedBy: AtCreation}. An unselected pod is
 * created as the runtime makes it. After containerd restarts, the plugin registers again. A
 * containerd whose validator rejects namespace adjustments still runs the pods, isolated by
 * remounting, and the status says why.
 */
class AtCreationRealNodeTest {
  /** Pods that a node object selects, and one that none does. */
  private static final List<String> SELECTED = List.of("plain", "privileged", "host-cgroupfs");

  private static final String UNSELECTED = "unselected";

  /** More selected pods, only so the round trip is measured over more than a handful. */
  private static final int EXTRA = 16;

  @Test
  void selectedContainersAreBornIsolatedAndOthersAreLeftAlone(@TempDir Path state)
      throws Exception {
    RealNode node = TestNodes.start();
    NodeAgentDaemon daemon = null;
    try {
      LocalControlPlane plane = TestClusters.controlPlane();
      KubernetesClient client = plane.adminClient();
      new CrdInstaller(client).install(TestClusters.checkout().resolve("crds"));
      Kubectl kubectl = Kubectl.admin(plane);
      String namespace = plane.newNamespace("at-creation");
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      daemon = startAgent(node, client, state, registry);
      NodeAgentDaemon running = daemon;

      long passes = running.completedPasses();
      List<CgroupIsolationNode> objects =
          List.of(
              object(namespace, "by-app", node.name(), "x", HostCgroupfsPolicy.Skip),
              object(namespace, "host-readers", node.name(), "h", HostCgroupfsPolicy.Include));
      for (CgroupIsolationNode object : objects) {
        // Retried: the CRDs may take a moment to be served.
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(() -> client.resource(object).create() != null);
      }
      // One pass over each: the agent's cache holds both before any pod is created.
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> running.completedPasses() >= passes + objects.size());

      Kubectl.Result apply =
          kubectl.runWithInput(podsYaml(node.name()), "apply", "-n", namespace, "-f", "-");
      assertThat(apply.ok()).as(apply.toString()).isTrue();
      List<String> all = new ArrayList<>(SELECTED);
      all.add(UNSELECTED);
      for (int i = 0; i < EXTRA; i++) {
        all.add("extra-" + i);
      }
      Awaitility.await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> all.stream().allMatch(p -> ready(plane, namespace, p)));

      // What the operator does once the pods exist: list them in their objects.
      listPods(client, namespace, "by-app", List.of("plain", "privileged"));
      listPods(client, namespace, "host-readers", List.of("host-cgroupfs"));
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () ->
                  assertThat(results(client, namespace))
                      .extracting(r -> r.pod + " " + r.phase + " " + r.isolatedBy)
                      .containsExactlyInAnyOrder(
                          "plain Isolated AtCreation",
                          "privileged Isolated AtCreation",
                          "host-cgroupfs Isolated AtCreation"));
      // What the status says they see is what they see: their own cgroup as /.
      assertThat(results(client, namespace))
          .allSatisfy(
              r ->
                  assertThat(r.view.procSelfCgroup)
                      .as(r.pod)
                      .isNotEmpty()
                      .allMatch(p -> p.path.equals("/")));

      // Registered and nothing refused: every node object says so.
      assertThat(
              client.resources(CgroupIsolationNode.class).inNamespace(namespace).list().getItems())
          .allSatisfy(o -> assertThat(o.getStatus().atCreation.active).isTrue());
      assertThat(gauge(registry, "cgroupns.agent.nri.isolating.at.creation")).isEqualTo(1);

      for (String name : SELECTED) {
        // The first instruction's output: no window in which it saw its host path.
        String firstRead = logs(kubectl, namespace, name);
        assertThat(firstRead.lines().toList())
            .as(name)
            .isNotEmpty()
            .allMatch(l -> l.endsWith(":/"));
        String[] mountPoints =
            name.equals("host-cgroupfs")
                ? new String[] {"/sys/fs/cgroup", "/host/sys/fs/cgroup"}
                : new String[] {"/sys/fs/cgroup"};
        List<MountInfoEntry> cgroupMounts = cgroupMounts(kubectl, namespace, name);
        for (String mountPoint : mountPoints) {
          List<MountInfoEntry> under =
              cgroupMounts.stream()
                  .filter(m -> m.mountPoint().startsWith(mountPoint + "/"))
                  .toList();
          assertThat(under).as(name + " " + mountPoint).isNotEmpty();
          // Rooted at /: the runtime's own mounts in the new namespace, never remounted.
          assertThat(under).as(name).allMatch(m -> m.root().equals("/"), "rooted at /");
          assertThat(under).as(name).allMatch(MountInfoEntry::readOnly, "read-only");
          Kubectl.Result write =
              kubectl.run(
                  "exec", "-n=" + namespace, name, "--", "mkdir", mountPoint + "/memory/probe");
          assertThat(write.ok()).as(name + " writes " + mountPoint).isFalse();
          assertThat(write.err()).contains("Read-only file system");
        }
      }

      Pod unselected = client.pods().inNamespace(namespace).withName(UNSELECTED).get();
      assertThat(logs(kubectl, namespace, UNSELECTED))
          .contains("pod" + unselected.getMetadata().getUid());
      assertThat(creations(registry, "adjust")).isEqualTo(SELECTED.size() + EXTRA);
      assertThat(creations(registry, "leave")).isGreaterThanOrEqualTo(1);

      print(registry.get("cgroupns.agent.nri.answer").timer());

      // The runtime restarts (an upgrade): the plugin registers again, and a pod created after
      // that is isolated at creation too.
      node.restartContainerd();
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> registry.get("cgroupns.agent.nri.registrations").counter().count() == 2);
      Kubectl.Result later =
          kubectl.runWithInput(
              pod("after-restart", node.name(), "x", "plain"), "apply", "-n", namespace, "-f", "-");
      assertThat(later.ok()).as(later.toString()).isTrue();
      Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> ready(plane, namespace, "after-restart"));
      assertThat(logs(kubectl, namespace, "after-restart").lines().toList())
          .isNotEmpty()
          .allMatch(l -> l.endsWith(":/"));

      // The agent restarts (an upgrade): the runtime's Synchronize hands back the containers it
      // marked, so its first passes still report them as isolated at creation.
      daemon.close();
      daemon = null;
      PrometheusMeterRegistry again = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      daemon = startAgent(node, client, state, again);
      NodeAgentDaemon restarted = daemon;
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> restarted.completedPasses() >= objects.size());
      assertThat(results(client, namespace))
          .extracting(r -> r.pod + " " + r.phase + " " + r.isolatedBy)
          .containsExactlyInAnyOrder(
              "plain Isolated AtCreation",
              "privileged Isolated AtCreation",
              "host-cgroupfs Isolated AtCreation");
      Kubectl.Result delete =
          kubectl.run("delete", "pods", "--all", "-n", namespace, "--wait=true");
      assertThat(delete.ok()).as(delete.toString()).isTrue();
    } finally {
      if (daemon != null) {
        daemon.close();
      }
      node.close();
    }
  }

  /**
   * A pod that ran before its isolation is remounted ({@code isolatedBy: Remounted}); when its
   * container restarts, the new one is created isolated ({@code AtCreation}).
   */
  @Test
  void aContainerThatRanBeforeIsRemountedAndIsolatedAtCreationWhenItRestarts(@TempDir Path state)
      throws Exception {
    RealNode node = TestNodes.start();
    NodeAgentDaemon daemon = null;
    try {
      LocalControlPlane plane = TestClusters.controlPlane();
      KubernetesClient client = plane.adminClient();
      new CrdInstaller(client).install(TestClusters.checkout().resolve("crds"));
      Kubectl kubectl = Kubectl.admin(plane);
      String namespace = plane.newNamespace("before");
      daemon =
          startAgent(node, client, state, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));

      Kubectl.Result apply =
          kubectl.runWithInput(
              pod("early", node.name(), "x", "restartable"), "apply", "-n", namespace, "-f", "-");
      assertThat(apply.ok()).as(apply.toString()).isTrue();
      Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> ready(plane, namespace, "early"));

      CgroupIsolationNode object =
          object(namespace, "by-app", node.name(), "x", HostCgroupfsPolicy.Skip);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> client.resource(object).create() != null);
      listPods(client, namespace, "by-app", List.of("early"));
      String first = containerId(client, namespace, "early");
      awaitResult(client, namespace, first, "early Isolated Remounted");

      Kubectl.Result exit = kubectl.run("exec", "-n=" + namespace, "early", "--", "touch", "/exit");
      assertThat(exit.ok()).as(exit.toString()).isTrue();
      Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  !first.equals(containerId(client, namespace, "early"))
                      && ready(plane, namespace, "early"));
      String second = containerId(client, namespace, "early");
      awaitResult(client, namespace, second, "early Isolated AtCreation");
      assertThat(logs(kubectl, namespace, "early").lines().toList())
          .isNotEmpty()
          .allMatch(l -> l.endsWith(":/"));
    } finally {
      if (daemon != null) {
        daemon.close();
      }
      node.close();
    }
  }

  /**
   * containerd's default validator rejects namespace adjustments: the creation the plugin adjusts
   * fails, the kubelet retries, and the plugin, seeing the retry, answers it and every later one
   * with no adjustment. The pod becomes Ready, is isolated by remounting, and the node's status and
   * metrics say that containers are not isolated at creation, and why.
   */
  @Test
  void aRuntimeRefusingNamespaceAdjustmentsGetsThePodRemountedAndTheStatusSaysWhy(
      @TempDir Path state) throws Exception {
    RealNode node = TestNodes.start(NriValidation.REJECT_NAMESPACE_ADJUSTMENT);
    NodeAgentDaemon daemon = null;
    try {
      LocalControlPlane plane = TestClusters.controlPlane();
      KubernetesClient client = plane.adminClient();
      new CrdInstaller(client).install(TestClusters.checkout().resolve("crds"));
      Kubectl kubectl = Kubectl.admin(plane);
      String namespace = plane.newNamespace("refused");
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      daemon = startAgent(node, client, state, registry);

      CgroupIsolationNode object =
          object(namespace, "by-app", node.name(), "x", HostCgroupfsPolicy.Skip);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> client.resource(object).create() != null);
      // Registered, nothing refused yet: the status says containers are isolated at creation.
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> Boolean.TRUE.equals(atCreation(client, namespace).active));
      assertThat(gauge(registry, "cgroupns.agent.nri.isolating.at.creation")).isEqualTo(1);

      Kubectl.Result apply =
          kubectl.runWithInput(
              pod("refused", node.name(), "x", "plain"), "apply", "-n", namespace, "-f", "-");
      assertThat(apply.ok()).as(apply.toString()).isTrue();
      Awaitility.await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> ready(plane, namespace, "refused"));
      // Created as the runtime makes it: it read its host path.
      String uid =
          client.pods().inNamespace(namespace).withName("refused").get().getMetadata().getUid();
      assertThat(logs(kubectl, namespace, "refused")).contains("pod" + uid);

      listPods(client, namespace, "by-app", List.of("refused"));
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () ->
                  assertThat(results(client, namespace))
                      .extracting(r -> r.pod + " " + r.phase + " " + r.isolatedBy)
                      .containsExactly("refused Isolated Remounted"));
      AtCreationState said = atCreation(client, namespace);
      assertThat(said.active).isFalse();
      assertThat(said.reason)
          .contains("container main of pod " + namespace + "/refused")
          .contains("reject_namespace_adjustment");

      assertThat(registry.get("cgroupns.agent.nri.refusals").counter().count()).isEqualTo(1);
      assertThat(gauge(registry, "cgroupns.agent.nri.isolating.at.creation")).isZero();
      assertThat(gauge(registry, "cgroupns.agent.nri.connected")).isEqualTo(1);
      // One refused adjusted creation, then the retry created unadjusted.
      assertThat(creations(registry, "adjust")).isEqualTo(1);
      assertThat(creations(registry, "leave")).isGreaterThanOrEqualTo(1);
      Kubectl.Result delete =
          kubectl.run("delete", "pods", "--all", "-n", namespace, "--wait=true");
      assertThat(delete.ok()).as(delete.toString()).isTrue();
    } finally {
      if (daemon != null) {
        daemon.close();
      }
      node.close();
    }
  }

  private static AtCreationState atCreation(KubernetesClient client, String namespace) {
    CgroupIsolationNode object =
        client.resources(CgroupIsolationNode.class).inNamespace(namespace).withName("by-app").get();
    return object == null || object.getStatus() == null || object.getStatus().atCreation == null
        ? new AtCreationState()
        : object.getStatus().atCreation;
  }

  private static double gauge(PrometheusMeterRegistry registry, String name) {
    return registry.get(name).gauge().value();
  }

  private static void awaitResult(
      KubernetesClient client, String namespace, String containerId, String expected) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(results(client, namespace))
                    .filteredOn(r -> r.containerID != null && r.containerID.endsWith(containerId))
                    .extracting(r -> r.pod + " " + r.phase + " " + r.isolatedBy)
                    .containsExactly(expected));
  }

  private static String containerId(KubernetesClient client, String namespace, String pod) {
    var statuses =
        client.pods().inNamespace(namespace).withName(pod).get().getStatus().getContainerStatuses();
    String id = statuses == null || statuses.isEmpty() ? null : statuses.get(0).getContainerID();
    return id == null ? "" : id.replace("containerd://", "");
  }

  /**
   * The plugin's connection dies while the runtime waits for its answer, as when the agent is
   * killed: the runtime creates the container without the adjustment, and the agent's remount path
   * (here an agent without NRI) isolates it once it runs.
   */
  @Test
  void aPluginKilledInTheMiddleOfARequestNeverFailsAContainerAndTheRemountCatchesUp(
      @TempDir Path state) throws Exception {
    RealNode node = TestNodes.start();
    NodeAgentDaemon daemon = null;
    AtomicReference<PluginConnection> connection = new AtomicReference<>();
    AtomicBoolean killed = new AtomicBoolean();
    try {
      LocalControlPlane plane = TestClusters.controlPlane();
      KubernetesClient client = plane.adminClient();
      new CrdInstaller(client).install(TestClusters.checkout().resolve("crds"));
      Kubectl kubectl = Kubectl.admin(plane);
      String namespace = plane.newNamespace("killed");
      daemon =
          startAgent(
              node,
              client,
              state,
              new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
              NriSettings.disabled());
      CgroupIsolationNode object =
          object(namespace, "by-app", node.name(), "x", HostCgroupfsPolicy.Skip);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> client.resource(object).create() != null);
      IsolationPlugin isolating =
          new IsolationPlugin(
              new CreationDecision(node.name(), new Protection(null, null)),
              () -> List.of(object),
              new AtCreationLedger(),
              IsolationPlugin.Listener.NONE);
      Plugin dying =
          new Plugin() {
            @Override
            public dev.cgroupns.nri.EventMask configure(
                dev.cgroupns.nri.api.ConfigureRequest request) {
              return isolating.configure(request);
            }

            @Override
            public dev.cgroupns.nri.api.CreateContainerResponse createContainer(
                dev.cgroupns.nri.api.PodSandbox pod, dev.cgroupns.nri.api.Container container) {
              dev.cgroupns.nri.api.CreateContainerResponse answer =
                  isolating.createContainer(pod, container);
              if (container.getName().equals("main") && !killed.getAndSet(true)) {
                // The answer is ready, the runtime waits for it: the connection goes first.
                connection.get().close();
              }
              return answer;
            }
          };
      connection.set(
          PluginConnection.connect(node.layout().nriSocket(), "cgroup-isolation", "10", dying));

      Kubectl.Result apply =
          kubectl.runWithInput(
              pod("killed", node.name(), "x", "plain"), "apply", "-n", namespace, "-f", "-");
      assertThat(apply.ok()).as(apply.toString()).isTrue();
      Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> ready(plane, namespace, "killed"));
      assertThat(killed).as("the plugin was asked, and died").isTrue();
      String uid =
          client.pods().inNamespace(namespace).withName("killed").get().getMetadata().getUid();
      assertThat(logs(kubectl, namespace, "killed"))
          .as("created without the adjustment: its own host path")
          .contains("pod" + uid);

      listPods(client, namespace, "by-app", List.of("killed"));
      awaitResult(
          client, namespace, containerId(client, namespace, "killed"), "killed Isolated Remounted");
    } finally {
      PluginConnection open = connection.get();
      if (open != null) {
        open.close();
      }
      if (daemon != null) {
        daemon.close();
      }
      node.close();
    }
  }

  /**
   * A plugin that answers later than the runtime waits (2 s): the runtime drops it and creates the
   * container anyway, without the adjustment (the remount path's case), and the plugin registers
   * again and isolates the next container at creation.
   */
  @Test
  void aLateAnswerNeverFailsAContainerAndThePluginComesBack() throws Exception {
    RealNode node = TestNodes.start();
    AtomicInteger registrations = new AtomicInteger();
    AtomicBoolean slow = new AtomicBoolean(true);
    String namespace = TestClusters.controlPlane().newNamespace("late-answer");
    List<CgroupIsolationNode> objects =
        List.of(object(namespace, "by-app", node.name(), "x", HostCgroupfsPolicy.Skip));
    IsolationPlugin plugin =
        new IsolationPlugin(
            new CreationDecision(node.name(), new Protection(null, null)),
            () -> {
              if (slow.getAndSet(false)) {
                sleep(Duration.ofSeconds(3));
              }
              return objects;
            },
            new AtCreationLedger(),
            IsolationPlugin.Listener.NONE);
    NriPluginRunner runner =
        new NriPluginRunner(
            node.layout().nriSocket(),
            "10",
            plugin,
            (connected, why) -> {
              if (connected) {
                registrations.incrementAndGet();
              }
            });
    try {
      LocalControlPlane plane = TestClusters.controlPlane();
      Kubectl kubectl = Kubectl.admin(plane);
      runner.start();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(runner::connected);

      for (String name : List.of("late", "next")) {
        Kubectl.Result apply =
            kubectl.runWithInput(
                pod(name, node.name(), "x", "plain"), "apply", "-n", namespace, "-f", "-");
        assertThat(apply.ok()).as(apply.toString()).isTrue();
        Awaitility.await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> ready(plane, namespace, name));
        if (name.equals("late")) {
          // Created without the plugin: its own host path, as before any isolation.
          String uid =
              plane
                  .adminClient()
                  .pods()
                  .inNamespace(namespace)
                  .withName(name)
                  .get()
                  .getMetadata()
                  .getUid();
          assertThat(logs(kubectl, namespace, name)).contains("pod" + uid);
          Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> registrations.get() >= 2);
        } else {
          assertThat(logs(kubectl, namespace, name).lines().toList())
              .isNotEmpty()
              .allMatch(l -> l.endsWith(":/"));
        }
      }
    } finally {
      runner.close();
      node.close();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The agent as {@code node-agent run} wires it, on the node's NRI socket; started, ready. */
  private static NodeAgentDaemon startAgent(
      RealNode node, KubernetesClient client, Path state, PrometheusMeterRegistry registry)
      throws Exception {
    return startAgent(
        node, client, state, registry, new NriSettings(node.layout().nriSocket(), "10"));
  }

  private static NodeAgentDaemon startAgent(
      RealNode node,
      KubernetesClient client,
      Path state,
      PrometheusMeterRegistry registry,
      NriSettings nri)
      throws Exception {
    NodeAgentDaemon daemon = InProcessAgent.wire(node.name(), client, state, registry, nri);
    daemon.start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(daemon::ready);
      if (nri.enabled()) {
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> registry.get("cgroupns.agent.nri.connected").gauge().value() == 1);
      }
    } catch (RuntimeException e) {
      daemon.close();
      throw e;
    }
    return daemon;
  }

  private static List<ContainerResult> results(KubernetesClient client, String namespace) {
    List<ContainerResult> results = new ArrayList<>();
    for (CgroupIsolationNode object :
        client.resources(CgroupIsolationNode.class).inNamespace(namespace).list().getItems()) {
      if (object.getStatus() != null) {
        results.addAll(object.getStatus().containers);
      }
    }
    return results;
  }

  private static double creations(PrometheusMeterRegistry registry, String decision) {
    return registry.get("cgroupns.agent.nri.creations").tag("decision", decision).counter().count();
  }

  private static void listPods(
      KubernetesClient client, String namespace, String object, List<String> pods) {
    List<PodTarget> targets =
        pods.stream()
            .map(
                name ->
                    new PodTarget(
                        name,
                        client
                            .pods()
                            .inNamespace(namespace)
                            .withName(name)
                            .get()
                            .getMetadata()
                            .getUid()))
            .toList();
    // The agent writes the status meanwhile: a conflicting edit is read again and retried.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptionsInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () ->
                client
                        .resources(CgroupIsolationNode.class)
                        .inNamespace(namespace)
                        .withName(object)
                        .edit(
                            o -> {
                              o.getSpec().pods = new ArrayList<>(targets);
                              return o;
                            })
                    != null);
  }

  /** The plugin's own time per request; the runtime's round trip adds the socket's hops. */
  private static void print(Timer answers) {
    HistogramSnapshot snapshot = answers.takeSnapshot();
    StringBuilder line =
        new StringBuilder(
            "CreateContainer answered by the agent's plugin (request decoded to answer), "
                + snapshot.count()
                + " containers:");
    for (ValueAtPercentile p : snapshot.percentileValues()) {
      line.append(
          String.format(" p%.0f %.2f ms", p.percentile() * 100, p.value(TimeUnit.MILLISECONDS)));
    }
    line.append(String.format(", max %.2f ms", snapshot.max(TimeUnit.MILLISECONDS)));
    System.out.println(line);
  }

  private static CgroupIsolationNode object(
      String namespace, String name, String node, String app, HostCgroupfsPolicy hostCgroupfs) {
    CgroupIsolationNode object = new CgroupIsolationNode();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withLabels(Map.of(ApiGroup.NODE_LABEL, LabelValues.ofName(node)))
            .build());
    CgroupIsolationNodeSpec spec = new CgroupIsolationNodeSpec();
    spec.nodeName = node;
    spec.isolationName = name;
    spec.podSelector = new PodSelector(Map.of("app", app), null);
    spec.hostCgroupfsPods = hostCgroupfs;
    spec.pods = new ArrayList<>();
    object.setSpec(spec);
    return object;
  }

  private static List<MountInfoEntry> cgroupMounts(Kubectl kubectl, String namespace, String pod) {
    Kubectl.Result result =
        kubectl.run("exec", "-n=" + namespace, pod, "--", "cat", "/proc/self/mountinfo");
    assertThat(result.ok()).as(result.toString()).isTrue();
    return MountInfoParser.parse(result.out()).cgroupMounts();
  }

  private static String logs(Kubectl kubectl, String namespace, String pod) {
    Kubectl.Result result = kubectl.run("logs", "-n=" + namespace, pod);
    assertThat(result.ok()).as(result.toString()).isTrue();
    return result.out();
  }

  private static boolean ready(LocalControlPlane plane, String namespace, String name) {
    Pod pod = plane.adminClient().pods().inNamespace(namespace).withName(name).get();
    return pod != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private static String podsYaml(String nodeName) {
    StringBuilder yaml = new StringBuilder();
    for (String name : SELECTED) {
      yaml.append(pod(name, nodeName, name.equals("host-cgroupfs") ? "h" : "x", name));
    }
    yaml.append(pod(UNSELECTED, nodeName, null, UNSELECTED));
    for (int i = 0; i < EXTRA; i++) {
      yaml.append(pod("extra-" + i, nodeName, "x", "plain"));
    }
    return yaml.toString();
  }

  private static String pod(String name, String nodeName, String app, String kind) {
    // A restartable container exits once told to, and the kubelet starts a new one.
    String rest =
        kind.equals("restartable") ? "until [ -e /exit ]; do sleep 0.2; done" : "exec sleep 3600";
    return BusyboxPodYaml.render(
        name,
        nodeName,
        app == null ? Map.of() : Map.of("app", app),
        List.of("/bin/sh", "-c", "cat /proc/self/cgroup; " + rest),
        kind.equals("privileged"),
        kind.equals("host-cgroupfs"));
  }
}
