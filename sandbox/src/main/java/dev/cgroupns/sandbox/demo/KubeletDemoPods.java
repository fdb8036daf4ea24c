package dev.cgroupns.sandbox.demo;

import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.node.BusyboxPodYaml;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Demo pods as real kubelet pods: Pod objects created through the API, pinned to the sandbox's
 * node, which the kubelet and containerd run with runc, from the node's own busybox image. Each is
 * privileged, so that without isolation it sees the host's whole cgroupfs read-write.
 */
public final class KubeletDemoPods {

  /** The pods' container, as {@link BusyboxPodYaml} names it. */
  public static final String CONTAINER_NAME = "main";

  private static final String RUNTIME_PREFIX = "containerd://";
  private static final Duration POLL = Duration.ofMillis(200);

  private final KubernetesClient client;
  private final Kubectl kubectl;
  private final String nodeName;

  public KubeletDemoPods(KubernetesClient client, Kubectl kubectl, String nodeName) {
    this.client = client;
    this.kubectl = kubectl;
    this.nodeName = nodeName;
  }

  /** A demo pod the kubelet runs: its UID and its container's runtime ID. */
  public record RunningPod(String name, String uid, String containerId) {

    /** The container's cgroup as the kubelet names it (cgroupfs driver, best-effort pod). */
    public String cgroup() {
      return "/kubepods/besteffort/pod" + uid + "/" + containerId;
    }
  }

  /** The Pod object of a demo pod, as applied: privileged, asleep, labelled as asked. */
  public static Pod podObject(String name, String nodeName, Map<String, String> labels) {
    String yaml =
        BusyboxPodYaml.render(name, nodeName, labels, List.of("sleep", "2147483647"), true, false);
    return Serialization.unmarshal(yaml, Pod.class);
  }

  /**
   * Creates pods {@code demo-0..demo-N-1} at once and waits until the kubelet runs each.
   *
   * @param started called with each pod as soon as it is Ready, in order
   * @param checkStopped called while waiting; it throws when the sandbox is being stopped, which
   *     ends the wait
   * @throws IllegalStateException when a pod is not Ready within {@code timeout}, with its state
   */
  public List<RunningPod> start(
      int count, Duration timeout, Consumer<RunningPod> started, Runnable checkStopped) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add("demo-" + i);
      create("demo-" + i, DemoPods.LABELS);
    }
    List<RunningPod> running = new ArrayList<>();
    for (String name : names) {
      RunningPod pod = awaitRunning(name, timeout, checkStopped);
      running.add(pod);
      started.accept(pod);
    }
    return running;
  }

  /** Creates one more pod with the demo's labels and waits until the kubelet runs it. */
  public RunningPod startOne(String name, Duration timeout, Runnable checkStopped) {
    create(name, DemoPods.LABELS);
    return awaitRunning(name, timeout, checkStopped);
  }

  private void create(String name, Map<String, String> labels) {
    client
        .pods()
        .inNamespace(DemoPods.NAMESPACE)
        .resource(podObject(name, nodeName, labels))
        .create();
  }

  /** Runs a command in the pod's container through {@code kubectl exec}, as a user would. */
  public ContainerExec exec(RunningPod pod) {
    return command -> {
      List<String> args = new ArrayList<>(List.of("exec", "-n=" + DemoPods.NAMESPACE, pod.name()));
      args.addAll(List.of("-c", CONTAINER_NAME, "--"));
      args.addAll(List.of(command));
      Kubectl.Result result = kubectl.run(args.toArray(String[]::new));
      if (!result.ok()) {
        throw new IllegalStateException(
            "kubectl " + String.join(" ", args) + " failed: " + result.err().strip());
      }
      return result.out();
    };
  }

  private RunningPod awaitRunning(String name, Duration timeout, Runnable checkStopped) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      checkStopped.run();
      Pod pod = client.pods().inNamespace(DemoPods.NAMESPACE).withName(name).get();
      Optional<RunningPod> running = running(pod);
      if (running.isPresent()) {
        return running.get();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "pod "
                + name
                + " not running within "
                + timeout.toSeconds()
                + " s: "
                + describe(pod)
                + "; see kubectl describe pod "
                + name);
      }
      sleep();
    }
  }

  /** The pod as it runs, once its container has started and is ready. */
  static Optional<RunningPod> running(Pod pod) {
    if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> CONTAINER_NAME.equals(s.getName()))
        .filter(s -> Boolean.TRUE.equals(s.getReady()))
        .filter(s -> s.getContainerID() != null && s.getContainerID().startsWith(RUNTIME_PREFIX))
        .findFirst()
        .map(
            s ->
                new RunningPod(
                    pod.getMetadata().getName(),
                    pod.getMetadata().getUid(),
                    s.getContainerID().substring(RUNTIME_PREFIX.length())));
  }

  /** Phase and the container's waiting reason, for a pod that did not come up. */
  static String describe(Pod pod) {
    if (pod == null) {
      return "the Pod object is gone";
    }
    if (pod.getStatus() == null) {
      return "no status yet";
    }
    StringBuilder text = new StringBuilder("phase " + pod.getStatus().getPhase());
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    if (statuses != null) {
      for (ContainerStatus status : statuses) {
        if (status.getState() != null && status.getState().getWaiting() != null) {
          text.append(", ")
              .append(status.getName())
              .append(" waiting: ")
              .append(status.getState().getWaiting().getReason());
          String message = status.getState().getWaiting().getMessage();
          if (message != null) {
            text.append(" (").append(message).append(')');
          }
        }
      }
    }
    return text.toString();
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the demo pods", e);
    }
  }
}
