package dev.cgroupns.agent.daemon;

import static org.awaitility.Awaitility.await;

import dev.cgroupns.agent.daemon.api.StatusWriter.RetryPolicy;
import dev.cgroupns.agent.daemon.engine.ContainerEngine;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A daemon with the fake engine against the CRUD mock server; one per test. */
final class DaemonFixture implements AutoCloseable {
  static final String AGENT_NAMESPACE = "cgroup-isolation-system";
  static final String AGENT_POD = "cgroup-isolation-node-agent-x7k2p";

  final MockApi api = new MockApi();
  final FakeEngine engine = new FakeEngine();
  private final ContainerEngine engineUnderTest;
  private Duration batchDelay = Duration.ofMillis(20);
  private String nodeName = TestObjects.NODE;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private NodeAgentDaemon daemon;

  /** With the in-memory engine ({@link #engine}). */
  DaemonFixture() {
    this.engineUnderTest = engine;
  }

  /** With another engine (the real one). */
  DaemonFixture(ContainerEngine engine) {
    this.engineUnderTest = engine;
  }

  /** The test configuration; {@code batchDelay} as the production default for benchmarks. */
  static DaemonConfig config(String nodeName, Duration resync, Duration batchDelay) {
    return new DaemonConfig(
        nodeName,
        AGENT_NAMESPACE,
        AGENT_POD,
        Path.of("/proc"),
        Path.of("/sys/fs/cgroup"),
        Path.of("/run/cgroup-isolation"),
        0,
        resync,
        Duration.ofMinutes(10),
        batchDelay,
        DaemonConfig.DEFAULT_PARALLELISM,
        new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(200)),
        Duration.ofSeconds(10));
  }

  /** Uses the production default batch delay instead of the tests' short one. */
  DaemonFixture withProductionBatchDelay() {
    batchDelay = DaemonConfig.defaults(TestObjects.NODE, null, null).batchDelay();
    return this;
  }

  /** Runs the agent for another node than {@link TestObjects#NODE}. */
  DaemonFixture withNodeName(String name) {
    nodeName = name;
    return this;
  }

  NodeAgentDaemon start() {
    return start(Duration.ofHours(1));
  }

  NodeAgentDaemon start(Duration resync) {
    try {
      daemon =
          RunCommand.wire(
              config(nodeName, resync, batchDelay),
              api.agentClient(),
              engineUnderTest,
              registry,
              Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    daemon.start();
    await().atMost(Duration.ofSeconds(20)).until(daemon::ready);
    return daemon;
  }

  /** Stops the daemon (as a restart would), keeping API and engine state. */
  void stopDaemon() {
    if (daemon != null) {
      daemon.close();
      daemon = null;
    }
  }

  NodeAgentDaemon daemon() {
    return daemon;
  }

  Pod create(Pod pod) {
    return api.client().resource(pod).create();
  }

  /** Replaces a pod's container statuses, as the kubelet does when a container restarts. */
  Pod setContainerStatuses(Pod pod, ContainerStatus... statuses) {
    Pod current = api.client().pods().resource(pod).get();
    current.getStatus().setContainerStatuses(List.of(statuses));
    return api.client().resource(current).updateStatus();
  }

  void delete(Pod pod) {
    api.client().resource(pod).withGracePeriod(0).delete();
  }

  /** Changes a node object's spec, as the operator does. */
  CgroupIsolationNode editSpec(CgroupIsolationNode object, Consumer<CgroupIsolationNodeSpec> edit) {
    return api.client()
        .resources(CgroupIsolationNode.class)
        .inNamespace(object.getMetadata().getNamespace())
        .withName(object.getMetadata().getName())
        .edit(
            o -> {
              edit.accept(o.getSpec());
              return o;
            });
  }

  CgroupIsolationNode create(CgroupIsolationNode object) {
    return api.client().resource(object).create();
  }

  CgroupIsolationNode get(CgroupIsolationNode object) {
    return api.client()
        .resources(CgroupIsolationNode.class)
        .inNamespace(object.getMetadata().getNamespace())
        .withName(object.getMetadata().getName())
        .get();
  }

  /** Waits until the stored object satisfies the condition, and returns it. */
  CgroupIsolationNode awaitObject(CgroupIsolationNode object, Predicate<CgroupIsolationNode> ok) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get(object), o -> o != null && ok.test(o));
  }

  /** Waits for the status that answers the object's current generation and the condition. */
  CgroupIsolationNode awaitStatus(CgroupIsolationNode object, Predicate<CgroupIsolationNode> ok) {
    return awaitObject(
        object,
        o ->
            o.getStatus() != null
                && o.getMetadata().getGeneration().equals(o.getStatus().observedGeneration)
                && ok.test(o));
  }

  /** Runs a full verifying pass over every object and waits until it is done. */
  void verifyAllNow() {
    long before = daemon.completedPasses();
    daemon.requestAll(true);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> daemon.completedPasses() > before && daemon.idle());
  }

  @Override
  public void close() {
    stopDaemon();
    api.close();
  }
}
