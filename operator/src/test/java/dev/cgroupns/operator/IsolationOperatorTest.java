package dev.cgroupns.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.AtCreationState;
import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.LabelSelectorOperator;
import dev.cgroupns.api.v1alpha1.LabelSelectorRequirement;
import dev.cgroupns.api.v1alpha1.NodeAction;
import dev.cgroupns.api.v1alpha1.PodTarget;
import dev.cgroupns.operator.config.LeaderIdentity;
import dev.cgroupns.operator.config.OperatorSettings;
import dev.cgroupns.operator.reconciler.CgroupIsolationReconciler;
import dev.cgroupns.operator.testing.FakeAgent;
import dev.cgroupns.operator.testing.Fixtures;
import dev.cgroupns.testbed.kube.MockApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator, as production configures it, against fabric8's mock API server in CRUD mode, with
 * {@link FakeAgent}s writing node-object status the way the real agents do.
 *
 * <p>What the mock server cannot show, and where it is covered instead. No server-side apply: the
 * operator never uses it (JSON patches and status patches only, configured in {@link
 * IsolationOperator}). No garbage collection: the operator deletes its node objects itself once the
 * agents confirmed, and the owner references GC relies on are asserted here. No admission: the
 * CRD's schema and CEL rules are tested in the API module, and the operator re-checks every rule
 * itself (CgroupIsolationValidatorTest and below). Field selectors only on name and namespace: the
 * operator uses none; the agents' spec.nodeName selector runs in the end-to-end tests. Watches
 * replay every object: harmless, reconciliation is idempotent. No SelfSubjectRulesReview, which
 * JOSDK's leader election calls at start to check its Lease permissions: leader election is off
 * here, and its RBAC is checked against the manifests by the deploy tests. JSON merge patches
 * concatenate arrays: the operator writes with JSON patch, and so does {@link FakeAgent}.
 */
class IsolationOperatorTest {
  private static final String NS = "team-a";
  private static final Map<String, String> WEB = Map.of("app", "web");

  private MockApiServer cluster;
  private KubernetesClient client;
  private IsolationOperator operator;
  private PrometheusMeterRegistry registry;

  @BeforeEach
  void startCluster() {
    cluster = MockApiServer.start();
    client = cluster.client();
    client.resource(Fixtures.node("node-a")).create();
    client.resource(Fixtures.node("node-b")).create();
  }

  @AfterEach
  void stopAll() {
    if (operator != null) {
      operator.stop();
    }
    cluster.close();
  }

  private void startOperator(boolean allowReadWrite, Duration revertTimeout) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    operator =
        IsolationOperator.create(
            client,
            OperatorSettings.forLocalRun(allowReadWrite, revertTimeout),
            registry,
            Clock.systemUTC());
    operator.start();
    await().until(operator::ready);
  }

  private void startOperator(OperatorSettings settings) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    operator = IsolationOperator.create(client, settings, registry, Clock.systemUTC());
    operator.start();
    await().until(operator::ready);
  }

  private void startOperator() {
    startOperator(false, Duration.ofMinutes(10));
  }

  @Test
  void instructsEachNodeAndTurnsReadyWhenAgentsReport() {
    Pod web1 = create(Fixtures.pod(NS, "web-1", "node-a", WEB, "app", "sidecar"));
    Pod web2 = create(Fixtures.pod(NS, "web-2", "node-b", WEB));
    create(Fixtures.pod(NS, "db-1", "node-a", Map.of("app", "db")));
    startOperator();
    CgroupIsolation isolation = create(Fixtures.isolation(NS, "web", WEB));

    CgroupIsolationNode onA = awaitNodeObject("web", "node-a", 1);
    CgroupIsolationNode onB = awaitNodeObject("web", "node-b", 1);
    assertThat(onA.getSpec().pods).extracting(t -> t.uid).containsExactly(uid(web1));
    assertThat(onB.getSpec().pods).extracting(t -> t.uid).containsExactly(uid(web2));
    assertThat(onA.getMetadata().getLabels())
        .containsEntry(ApiGroup.NODE_LABEL, "node-a")
        .containsEntry(ApiGroup.ISOLATION_LABEL, "web");
    assertThat(onA.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo(isolation.getMetadata().getUid());
              assertThat(o.getController()).isTrue();
            });
    awaitCondition("web", "Reconciling", "True", "WaitingForAgents");
    assertThat(get("web").getStatus().pending).isEqualTo(3);

    new FakeAgent(client, "node-a").actOnAll(ContainerPhase.Isolated);
    new FakeAgent(client, "node-b")
        .atCreation(new AtCreationState(false, "no NRI socket"))
        .actOnAll(ContainerPhase.Isolated);

    awaitCondition("web", "Ready", "True", "Isolated");
    var status = get("web").getStatus();
    // Per node, whether its containers are born isolated or remounted, as its agent says.
    assertThat(status.nodes)
        .extracting(n -> n.node + " " + n.isolatesAtCreation)
        .containsExactlyInAnyOrder("node-a true", "node-b false");
    assertThat(status.matched).isEqualTo(3);
    assertThat(status.isolated).isEqualTo(3);
    assertThat(status.pending).isZero();
    assertThat(status.nodeCount).isEqualTo(2);
    assertThat(status.observedGeneration).isEqualTo(1L);
    assertThat(status.conditions).allMatch(c -> c.getObservedGeneration() == 1L);
    awaitEvent(isolation, "Isolated");
    // Metrics are per controller, never per resource.
    assertThat(registry.scrape())
        .contains("operator_sdk_reconciliations")
        .doesNotContain("name=\"web\"");
  }

  @Test
  void followsNewPodsAndRevertsDeselectedOnes() {
    Pod web1 = create(Fixtures.pod(NS, "web-1", "node-a", WEB));
    create(Fixtures.pod(NS, "web-2", "node-b", WEB));
    startOperator();
    create(Fixtures.isolation(NS, "web", WEB));
    awaitNodeObject("web", "node-a", 1);
    awaitNodeObject("web", "node-b", 1);
    agentsReport(ContainerPhase.Isolated);
    awaitCondition("web", "Ready", "True", "Isolated");

    Pod web3 = create(Fixtures.pod(NS, "web-3", "node-b", WEB));
    await()
        .until(
            () -> nodeObject("web", "node-b").map(o -> o.getSpec().pods.size() == 2).orElse(false));
    awaitCondition("web", "Reconciling", "True", "WaitingForAgents");
    new FakeAgent(client, "node-b").actOnAll(ContainerPhase.Isolated);
    awaitCondition("web", "Ready", "True", "Isolated");
    assertThat(nodeObject("web", "node-b").orElseThrow().getSpec().pods)
        .extracting(t -> t.uid)
        .contains(uid(web3));

    // A deleted pod simply leaves its node's instructions.
    client.pods().inNamespace(NS).withName("web-3").delete();
    await()
        .until(
            () -> nodeObject("web", "node-b").map(o -> o.getSpec().pods.size() == 1).orElse(false));
    new FakeAgent(client, "node-b").actOnAll(ContainerPhase.Isolated);
    awaitCondition("web", "Ready", "True", "Isolated");

    // Relabelled out: the node object is emptied (not deleted) so its agent can revert...
    client.pods().inNamespace(NS).withName("web-1").edit(p -> relabel(p, Map.of("app", "old")));
    await()
        .until(
            () -> nodeObject("web", "node-a").map(o -> o.getSpec().pods.isEmpty()).orElse(false));
    awaitCondition("web", "Reconciling", "True", "RevertingDeselected");
    // ...and only once the agent confirms does it go.
    new FakeAgent(client, "node-a").actOnAll(ContainerPhase.Isolated);
    await().until(() -> nodeObject("web", "node-a").isEmpty());
    awaitCondition("web", "Ready", "True", "Isolated");
    assertThat(get("web").getStatus().matched).isEqualTo(1);
    assertThat(get("web").getStatus().nodeCount).isEqualTo(1);
    assertThat(uid(web1)).isNotBlank();
  }

  @Test
  void podsOnANodeTheClusterDoesNotKnowWaitForItToJoin() {
    create(Fixtures.pod(NS, "web-1", "node-a", WEB));
    create(Fixtures.pod(NS, "web-9", "node-new", WEB));
    startOperator();
    create(Fixtures.isolation(NS, "web", WEB));
    awaitNodeObject("web", "node-a", 1);
    assertThat(nodeObject("web", "node-new")).isEmpty();

    client.resource(Fixtures.node("node-new")).create();

    assertThat(awaitNodeObject("web", "node-new", 1).getSpec().pods)
        .extracting(t -> t.name)
        .containsExactly("web-9");
  }

  @Test
  void aRestartedOperatorRederivesEverythingWithoutRewriting() {
    create(Fixtures.pod(NS, "web-1", "node-a", WEB));
    startOperator();
    create(Fixtures.isolation(NS, "web", WEB));
    awaitNodeObject("web", "node-a", 1);
    agentsReport(ContainerPhase.Isolated);
    awaitCondition("web", "Ready", "True", "Isolated");
    String objectVersion =
        nodeObject("web", "node-a").orElseThrow().getMetadata().getResourceVersion();
    String readySince = condition(get("web"), "Ready").orElseThrow().getLastTransitionTime();

    operator.stop();
    startOperator();

    await()
        .during(Duration.ofMillis(500))
        .until(
            () ->
                objectVersion.equals(
                        nodeObject("web", "node-a")
                            .orElseThrow()
                            .getMetadata()
                            .getResourceVersion())
                    && readySince.equals(
                        condition(get("web"), "Ready").orElseThrow().getLastTransitionTime()));
  }

  @Test
  void watchesOnlyTheConfiguredNamespaces() {
    create(Fixtures.pod(NS, "web-1", "node-a", WEB));
    create(Fixtures.pod("team-b", "web-1", "node-a", WEB));
    startOperator(
        new OperatorSettings(
            false,
            Duration.ofMinutes(10),
            "default",
            java.util.Set.of(NS),
            false,
            LeaderIdentity.generated(),
            0,
            Duration.ofSeconds(1)));
    create(Fixtures.isolation("team-b", "web", WEB));
    create(Fixtures.isolation(NS, "web", WEB));

    awaitNodeObject("web", "node-a", 1);
    await()
        .during(Duration.ofMillis(300))
        .until(
            () ->
                client
                    .resources(CgroupIsolationNode.class)
                    .inNamespace("team-b")
                    .list()
                    .getItems()
                    .isEmpty());
  }

  @Test
  void failuresStallTheIsolationAndWarnOnTheirPods() {
    Pod web1 = create(Fixtures.pod(NS, "web-1", "node-a", WEB));
    Pod monitor =
        create(
            new io.fabric8.kubernetes.api.model.PodBuilder(
                    Fixtures.pod(NS, "monitor", "node-a", WEB))
                .editSpec()
                .addNewVolume()
                .withName("cgroup")
                .withNewHostPath()
                .withPath("/sys/fs/cgroup")
                .endHostPath()
                .endVolume()
                .endSpec()
                .build());
    startOperator();
    CgroupIsolation isolation = create(Fixtures.isolation(NS, "web", WEB));
    assertThat(awaitNodeObject("web", "node-a", 1).getSpec().pods)
        .extracting(t -> t.name)
        .containsExactly("web-1");

    new FakeAgent(client, "node-a").actOnAll(ContainerPhase.Failed);

    Condition stalled = awaitCondition("web", "Stalled", "True", "ContainersFailed");
    assertThat(stalled.getMessage()).contains("1 of 1 containers could not be isolated");
    var problem = get("web").getStatus().problems.get(0);
    assertThat(problem.pod).isEqualTo("web-1");
    assertThat(problem.message).isEqualTo("mount failed: EPERM");
    assertThat(awaitEvent(web1, "CgroupIsolationFailed").getMessage())
        .contains("container app: mount failed: EPERM");
    assertThat(awaitEvent(isolation, "ContainersFailed").getType()).isEqualTo("Warning");
    assertThat(awaitEvent(monitor, "CgroupIsolationSkipped").getMessage())
        .contains("mounts the host cgroupfs");
  }

  @Test
  void specChangeRewritesInstructionsForTheNewGeneration() {
    create(Fixtures.pod(NS, "web-1", "node-a", WEB, "app", "sidecar"));
    startOperator();
    create(Fixtures.isolation(NS, "web", WEB));
    CgroupIsolationNode first = awaitNodeObject("web", "node-a", 1);
    agentsReport(ContainerPhase.Isolated);
    awaitCondition("web", "Ready", "True", "Isolated");

    mergePatch("{\"spec\":{\"containers\":[\"sidecar\"]}}");

    await()
        .until(
            () ->
                nodeObject("web", "node-a")
                    .map(o -> o.getSpec().isolationGeneration == 2L)
                    .orElse(false));
    CgroupIsolationNode second = nodeObject("web", "node-a").orElseThrow();
    assertThat(second.getSpec().containers).containsExactly("sidecar");
    assertThat(second.getMetadata().getGeneration())
        .isGreaterThan(first.getMetadata().getGeneration());
    // The old report describes the old generation: it no longer counts.
    awaitCondition("web", "Reconciling", "True", "WaitingForAgents");
    agentsReport(ContainerPhase.Isolated);
    awaitCondition("web", "Ready", "True", "Isolated");
    assertThat(get("web").getStatus().matched).isEqualTo(1);
    assertThat(get("web").getStatus().observedGeneration).isEqualTo(2L);
  }

  @Test
  void invalidSpecStallsAndInstructsNothing() {
    create(Fixtures.pod(NS, "web-1", "node-a", WEB));
    startOperator();
    CgroupIsolation bad = Fixtures.isolation(NS, "bad", WEB);
    bad.getSpec().podSelector.matchExpressions =
        List.of(new LabelSelectorRequirement("tier", LabelSelectorOperator.In, List.of()));
    bad = create(bad);

    Condition stalled = awaitCondition("bad", "Stalled", "True", "InvalidSpec");
    assertThat(stalled.getMessage()).contains("matchExpressions[0].values must not be empty");
    assertThat(condition(get("bad"), "Ready")).map(Condition::getStatus).contains("False");
    awaitEvent(bad, "InvalidSpec");
    assertThat(client.resources(CgroupIsolationNode.class).inNamespace(NS).list().getItems())
        .isEmpty();
  }

  @Test
  void readWriteNeedsTheClusterSetting() {
    create(Fixtures.pod(NS, "web-1", "node-a", WEB));
    startOperator(false, Duration.ofMinutes(10));
    CgroupIsolation rw = Fixtures.isolation(NS, "rw", WEB);
    rw.getSpec().readOnly = false;
    rw.getSpec().readWriteReason = "the app tunes its own memory.high";
    create(rw);

    Condition stalled = awaitCondition("rw", "Stalled", "True", "ReadWriteNotPermitted");
    assertThat(stalled.getMessage()).contains(OperatorSettings.ALLOW_READ_WRITE);
    assertThat(client.resources(CgroupIsolationNode.class).inNamespace(NS).list().getItems())
        .isEmpty();
  }

  @Test
  void readWriteIsPassedOnWhenTheClusterPermitsIt() {
    create(Fixtures.pod(NS, "web-1", "node-a", WEB));
    startOperator(true, Duration.ofMinutes(10));
    CgroupIsolation rw = Fixtures.isolation(NS, "rw", WEB);
    rw.getSpec().readOnly = false;
    rw.getSpec().readWriteReason = "the app tunes its own memory.high";
    create(rw);

    assertThat(awaitNodeObject("rw", "node-a", 1).getSpec().readOnly).isFalse();
  }

  @Test
  void deletionWaitsForEveryAgentToRevert() {
    create(Fixtures.pod(NS, "web-1", "node-a", WEB));
    create(Fixtures.pod(NS, "web-2", "node-b", WEB));
    startOperator();
    CgroupIsolation isolation = create(Fixtures.isolation(NS, "web", WEB));
    awaitNodeObject("web", "node-a", 1);
    awaitNodeObject("web", "node-b", 1);
    agentsReport(ContainerPhase.Isolated);
    awaitCondition("web", "Ready", "True", "Isolated");

    client.resource(get("web")).delete();

    await().until(() -> allActions("web").equals(List.of(NodeAction.Revert, NodeAction.Revert)));
    awaitCondition("web", "Reconciling", "True", "Reverting");
    new FakeAgent(client, "node-a").actOnAll(ContainerPhase.Isolated);
    // One agent confirmed, the other not yet: the finalizer holds.
    await()
        .during(Duration.ofMillis(300))
        .until(() -> get("web") != null && get("web").getMetadata().getFinalizers().size() == 1);
    new FakeAgent(client, "node-b").actOnAll(ContainerPhase.Isolated);

    await().until(() -> get("web") == null);
    assertThat(client.resources(CgroupIsolationNode.class).inNamespace(NS).list().getItems())
        .isEmpty();
    awaitEvent(isolation, "Reverted");
  }

  @Test
  void silentAgentReleasesDeletionAfterTheTimeoutWithAWarning() {
    create(Fixtures.pod(NS, "web-1", "node-a", WEB));
    create(Fixtures.pod(NS, "web-2", "node-b", WEB));
    startOperator(false, Duration.ofSeconds(2));
    CgroupIsolation isolation = create(Fixtures.isolation(NS, "web", WEB));
    awaitNodeObject("web", "node-a", 1);
    awaitNodeObject("web", "node-b", 1);

    client.resource(get("web")).delete();
    await().until(() -> allActions("web").equals(List.of(NodeAction.Revert, NodeAction.Revert)));
    new FakeAgent(client, "node-a").actOnAll(ContainerPhase.Isolated);
    // node-b's agent never answers.

    await().until(() -> get("web") == null);
    Event warning = awaitEvent(isolation, "RevertUnconfirmed");
    assertThat(warning.getType()).isEqualTo("Warning");
    assertThat(warning.getMessage()).contains("node-b").doesNotContain("node-a");
  }

  @Test
  void vanishedNodeLosesItsObjectAndDoesNotBlockDeletion() {
    create(Fixtures.pod(NS, "web-1", "node-a", WEB));
    create(Fixtures.pod(NS, "web-2", "node-b", WEB));
    startOperator();
    create(Fixtures.isolation(NS, "web", WEB));
    awaitNodeObject("web", "node-a", 1);
    awaitNodeObject("web", "node-b", 1);

    client.nodes().withName("node-b").delete();
    await().until(() -> nodeObject("web", "node-b").isEmpty());

    client.resource(get("web")).delete();
    await().until(() -> allActions("web").equals(List.of(NodeAction.Revert)));
    new FakeAgent(client, "node-a").actOnAll(ContainerPhase.Isolated);
    await().until(() -> get("web") == null);
  }

  @Test
  void forceDeleteAnnotationReleasesAtOnce() {
    create(Fixtures.pod(NS, "web-1", "node-a", WEB));
    startOperator();
    CgroupIsolation isolation = create(Fixtures.isolation(NS, "web", WEB));
    awaitNodeObject("web", "node-a", 1);

    client.resource(get("web")).delete();
    await().until(() -> allActions("web").equals(List.of(NodeAction.Revert)));
    // As `kubectl annotate` does: a merge patch, no resourceVersion to conflict with the operator.
    mergePatch(
        "{\"metadata\":{\"annotations\":{\""
            + CgroupIsolationReconciler.FORCE_DELETE_ANNOTATION
            + "\":\"true\"}}}");

    await().until(() -> get("web") == null);
    assertThat(awaitEvent(isolation, "ForceDeleted").getMessage()).contains("node-a");
  }

  // --- helpers ---

  private static ConditionFactory await() {
    return org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50));
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> T create(T object) {
    return client.resource(object).create();
  }

  private void mergePatch(String patch) {
    client
        .resources(CgroupIsolation.class)
        .inNamespace(NS)
        .withName("web")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  private CgroupIsolation get(String name) {
    return client.resources(CgroupIsolation.class).inNamespace(NS).withName(name).get();
  }

  private void agentsReport(ContainerPhase phase) {
    new FakeAgent(client, "node-a").actOnAll(phase);
    new FakeAgent(client, "node-b").actOnAll(phase);
  }

  private Optional<CgroupIsolationNode> nodeObject(String isolation, String node) {
    return client
        .resources(CgroupIsolationNode.class)
        .inNamespace(NS)
        .withLabel(ApiGroup.ISOLATION_LABEL, isolation)
        .withLabel(ApiGroup.NODE_LABEL, node)
        .list()
        .getItems()
        .stream()
        .findFirst();
  }

  private CgroupIsolationNode awaitNodeObject(String isolation, String node, int pods) {
    await()
        .until(
            () ->
                nodeObject(isolation, node)
                    .map(o -> o.getSpec().pods.size() == pods)
                    .orElse(false));
    return nodeObject(isolation, node).orElseThrow();
  }

  private List<NodeAction> allActions(String isolation) {
    return client
        .resources(CgroupIsolationNode.class)
        .inNamespace(NS)
        .withLabel(ApiGroup.ISOLATION_LABEL, isolation)
        .list()
        .getItems()
        .stream()
        .map(o -> o.getSpec().action)
        .toList();
  }

  private static Optional<Condition> condition(CgroupIsolation isolation, String type) {
    if (isolation == null || isolation.getStatus() == null) {
      return Optional.empty();
    }
    return isolation.getStatus().conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  private Condition awaitCondition(String name, String type, String status, String reason) {
    await()
        .until(
            () ->
                condition(get(name), type)
                    .filter(c -> status.equals(c.getStatus()) && reason.equals(c.getReason()))
                    .isPresent());
    return condition(get(name), type).orElseThrow();
  }

  private Event awaitEvent(io.fabric8.kubernetes.api.model.HasMetadata involved, String reason) {
    await().until(() -> findEvent(involved, reason).isPresent());
    return findEvent(involved, reason).orElseThrow();
  }

  private Optional<Event> findEvent(
      io.fabric8.kubernetes.api.model.HasMetadata involved, String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> involved.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
        .filter(e -> reason.equals(e.getReason()))
        .findFirst();
  }

  private static Pod relabel(Pod pod, Map<String, String> labels) {
    pod.getMetadata().setLabels(labels);
    return pod;
  }

  private static String uid(Pod pod) {
    return pod.getMetadata().getUid();
  }

  @SuppressWarnings("unused")
  private static PodTarget target(Pod pod) {
    return new PodTarget(pod.getMetadata().getName(), uid(pod));
  }
}
