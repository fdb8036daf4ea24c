package dev.cgroupns.sandbox.demo;

import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import dev.cgroupns.testbed.runc.RuncRuntime;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Demo pods: a Pod object per runc container, with what kubelet would report for it (node name, UID
 * matching the container's cgroup, containerStatuses with {@code containerd://<id>}, phase
 * Running), labelled {@code app=demo} as the sample CgroupIsolation selects.
 */
public final class DemoPods {

  /** The sandbox's namespace for its demo pods. */
  public static final String NAMESPACE = "default";

  public static final String CONTAINER_NAME = "app";
  public static final Map<String, String> LABELS = Map.of("app", "demo");

  /** How pod status names the runtime in a container ID, as containerd's CRI plugin does. */
  public static final String RUNTIME_PREFIX = "containerd://";

  private final KubernetesClient client;
  private final RuncRuntime runtime;
  private final String nodeName;
  private final String namespace;

  /** Demo pods in the sandbox's {@link #NAMESPACE}. */
  public DemoPods(KubernetesClient client, RuncRuntime runtime, String nodeName) {
    this(client, runtime, nodeName, NAMESPACE);
  }

  public DemoPods(KubernetesClient client, RuncRuntime runtime, String nodeName, String namespace) {
    this.client = client;
    this.runtime = runtime;
    this.nodeName = nodeName;
    this.namespace = namespace;
  }

  /** Where the pods are made. */
  public String namespace() {
    return namespace;
  }

  /** The Node object the pods run on, Ready, as kubelet would register it. */
  public Node registerNode() {
    String now = now();
    Node node =
        new NodeBuilder()
            .withNewMetadata()
            .withName(nodeName)
            .addToLabels("kubernetes.io/hostname", nodeName)
            .addToLabels("kubernetes.io/os", "linux")
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withReason("KubeletReady")
            .withMessage("the sandbox runs this node's containers with runc")
            .withLastHeartbeatTime(now)
            .withLastTransitionTime(now)
            .endCondition()
            .endStatus()
            .build();
    return client.nodes().resource(node).createOr(r -> r.update());
  }

  /**
   * Creates {@code count} pods demo-0..demo-N-1 and their containers.
   *
   * @param started called with each container as soon as it runs, so the caller can clean it up
   *     even if a later one fails
   */
  public List<DemoContainer> start(int count, Consumer<DemoContainer> started) {
    List<DemoContainer> containers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      containers.add(startPod("demo-" + i, LABELS, started));
    }
    return containers;
  }

  /**
   * Creates one pod with the given labels and its container, a privileged pod's (the host's whole
   * cgroupfs, no cgroup namespace), and reports it Running.
   *
   * @param started called with the container as soon as it runs, before the Pod status is written
   */
  public DemoContainer startPod(
      String name, Map<String, String> labels, Consumer<DemoContainer> started) {
    return startPod(name, labels, ContainerSpec.privilegedPod(), started);
  }

  /**
   * Creates one pod with the given labels and its container made as {@code spec} says, and reports
   * it Running. The Pod is privileged exactly when the container sees the host's cgroupfs.
   *
   * @param started called with the container as soon as it runs, before the Pod status is written
   */
  public DemoContainer startPod(
      String name,
      Map<String, String> labels,
      ContainerSpec spec,
      Consumer<DemoContainer> started) {
    return startPod(name, labels, spec, UnaryOperator.identity(), started);
  }

  /**
   * As {@link #startPod(String, Map, ContainerSpec, Consumer)}, with the Pod object changed by
   * {@code podSpec} before it is created: volumes, annotations and other fields the pods of a
   * scenario declare (the container itself is made from {@code spec} only).
   */
  public DemoContainer startPod(
      String name,
      Map<String, String> labels,
      ContainerSpec spec,
      UnaryOperator<Pod> podSpec,
      Consumer<DemoContainer> started) {
    Pod created =
        client
            .pods()
            .inNamespace(namespace)
            .resource(podSpec.apply(podObject(name, labels, spec.hostCgroupfs())))
            .create();
    String uid = created.getMetadata().getUid();
    DemoContainer container = runtime.start(name + "-" + CONTAINER_NAME, uid, spec);
    started.accept(container);
    client
        .pods()
        .inNamespace(namespace)
        .resource(withRunningStatus(created, container))
        .updateStatus();
    return container;
  }

  /**
   * Restarts a pod's container as kubelet does after a crash: the old container is gone, a new one
   * (new ID) runs in the same pod cgroup, and the Pod status carries the new ID, one more restart
   * and the old container as its last state. The new container is a privileged pod's, as {@link
   * #startPod(String, Map, Consumer)} makes them.
   *
   * @param started called with the new container as soon as it runs
   */
  public DemoContainer restart(
      String podName, DemoContainer current, Consumer<DemoContainer> started) {
    Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
    if (pod == null || !pod.getMetadata().getUid().equals(current.podUid())) {
      throw new IllegalArgumentException(
          "pod " + podName + " does not hold container " + current.name());
    }
    int restarts = restartCount(pod) + 1;
    runtime.delete(current.name());
    // runc names (and bundle directories) are unique per run: one per incarnation.
    DemoContainer next =
        runtime.start(podName + "-" + CONTAINER_NAME + "-" + restarts, current.podUid());
    started.accept(next);
    client
        .pods()
        .inNamespace(namespace)
        .resource(withRestartedContainer(pod, next.containerId(), now()))
        .updateStatus();
    return next;
  }

  /** Deletes the demo Pod objects (the containers are the runtime's to delete). */
  public void deletePods(int count) {
    for (int i = 0; i < count; i++) {
      deletePod("demo-" + i);
    }
  }

  /** Deletes one Pod object at once, as kubelet does once its containers are gone. */
  public void deletePod(String name) {
    client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
  }

  /**
   * The Pod with its container replaced by a new incarnation: new ID, running since {@code now},
   * one more restart, and the previous incarnation as the terminated last state.
   */
  static Pod withRestartedContainer(Pod pod, String containerId, String now) {
    if (!containerId.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a container ID: " + containerId);
    }
    Pod copy = new PodBuilder(pod).build();
    ContainerStatus old =
        copy.getStatus().getContainerStatuses().stream()
            .filter(s -> CONTAINER_NAME.equals(s.getName()))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "pod " + pod.getMetadata().getName() + " has no " + CONTAINER_NAME));
    ContainerStatus restarted =
        new ContainerStatusBuilder(old)
            .withContainerID(RUNTIME_PREFIX + containerId)
            .withRestartCount(restartCount(pod) + 1)
            .withNewState()
            .withNewRunning(now)
            .endState()
            .withNewLastState()
            .withNewTerminated()
            .withContainerID(old.getContainerID())
            .withExitCode(137)
            .withReason("Error")
            .withFinishedAt(now)
            .endTerminated()
            .endLastState()
            .build();
    List<ContainerStatus> statuses = new ArrayList<>(copy.getStatus().getContainerStatuses());
    statuses.set(statuses.indexOf(old), restarted);
    copy.getStatus().setContainerStatuses(statuses);
    return copy;
  }

  private static int restartCount(Pod pod) {
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> CONTAINER_NAME.equals(s.getName()))
        .map(ContainerStatus::getRestartCount)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(0);
  }

  private Pod podObject(String name, Map<String, String> labels, boolean privileged) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withNodeName(nodeName)
        // No kubelet renews this node's lease, so the node lifecycle controller taints it
        // unreachable; a real pod would be evicted after five minutes, these stay.
        .addNewToleration()
        .withOperator("Exists")
        .endToleration()
        .addNewContainer()
        .withName(CONTAINER_NAME)
        .withImage("busybox:1.36")
        .withCommand("sleep", "2147483647")
        // Privileged when the runc container sees the host's whole cgroupfs, as such pods are.
        .withNewSecurityContext()
        .withPrivileged(privileged)
        .endSecurityContext()
        .endContainer()
        .endSpec()
        .build();
  }

  private Pod withRunningStatus(Pod pod, DemoContainer container) {
    String now = now();
    return new PodBuilder(pod)
        .withNewStatus()
        .withPhase("Running")
        .withQosClass("BestEffort")
        .withHostIP("127.0.0.1")
        .withStartTime(now)
        .withConditions(
            new PodConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withLastTransitionTime(now)
                .build())
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName(CONTAINER_NAME)
                .withContainerID(RUNTIME_PREFIX + container.containerId())
                .withImage("docker.io/library/busybox:1.36")
                .withImageID("")
                .withReady(true)
                .withStarted(true)
                .withRestartCount(0)
                .withNewState()
                .withNewRunning(now)
                .endState()
                .build())
        .endStatus()
        .build();
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
