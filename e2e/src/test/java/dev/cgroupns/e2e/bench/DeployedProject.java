package dev.cgroupns.e2e.bench;

import dev.cgroupns.testbed.cluster.Kubectl;
import dev.cgroupns.testbed.cluster.LocalControlPlane;
import dev.cgroupns.testbed.cluster.ProjectInstall;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.node.RealNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The project as users deploy it, on the real node: the images this build made ({@code mvn
 * -Pimages}) imported into the node's containerd, and {@code kubectl apply -k
 * manifests/overlays/local}: the operator's Deployment and the agent's DaemonSet pod run under the
 * kubelet with the base's flags and limits. Closing deletes both and the agent's state directory on
 * the host when it was not there before.
 */
final class DeployedProject implements AutoCloseable {
  private static final String SYSTEM = ProjectInstall.SYSTEM_NAMESPACE;
  private static final String OPERATOR = "cgroup-isolation-operator";
  private static final String AGENT = "cgroup-isolation-node-agent";
  private static final Path AGENT_STATE = Path.of("/run/cgroup-isolation");
  private static final long STARTS_WITHIN_SECONDS = 300;

  private final KubernetesClient admin;
  private final Kubectl kubectl;
  private final boolean agentStateExisted;

  private DeployedProject(KubernetesClient admin, Kubectl kubectl, boolean agentStateExisted) {
    this.admin = admin;
    this.kubectl = kubectl;
    this.agentStateExisted = agentStateExisted;
  }

  /** Deploys and waits until both workloads are Ready. */
  static DeployedProject deploy(RealNode node, LocalControlPlane plane) throws Exception {
    Path checkout = TestClusters.checkout();
    for (String module : List.of("operator", "node-agent")) {
      Path image = checkout.resolve(module).resolve("target/jib-image.tar");
      if (!Files.isRegularFile(image)) {
        throw new IllegalStateException(
            "needs " + image + ": build the images first with mvn -Pimages -DskipTests package");
      }
      node.ctr("images", "import", image.toString());
    }
    DeployedProject project =
        new DeployedProject(plane.adminClient(), Kubectl.admin(plane), Files.exists(AGENT_STATE));
    try {
      Kubectl.Result apply =
          project.kubectl.run(
              "apply",
              "--server-side",
              "-k",
              checkout.resolve("manifests/overlays/local").toString());
      if (!apply.ok()) {
        throw new IllegalStateException(apply.toString());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTS_WITHIN_SECONDS);
      while (project.operatorReady() < 2 || project.agentReady() < 1) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the operator Deployment or the agent DaemonSet not Ready within "
                  + STARTS_WITHIN_SECONDS
                  + " s");
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    } catch (Exception | Error e) {
      project.close();
      throw e;
    }
    return project;
  }

  /** The agent container's memory, read from its cgroup on the host. */
  CgroupMemory agentMemory() throws IOException {
    Pod pod =
        admin
            .pods()
            .inNamespace(SYSTEM)
            .withLabel("app.kubernetes.io/name", AGENT)
            .list()
            .getItems()
            .get(0);
    String containerId =
        pod.getStatus().getContainerStatuses().get(0).getContainerID().replace("containerd://", "");
    return CgroupMemory.read(
        Path.of("/sys/fs/cgroup/memory/kubepods")
            .resolve(pod.getStatus().getQosClass().toLowerCase(Locale.ROOT))
            .resolve("pod" + pod.getMetadata().getUid())
            .resolve(containerId));
  }

  @Override
  public void close() throws IOException {
    try {
      kubectl.run(
          "delete", "-n", SYSTEM, "deployment/" + OPERATOR, "daemonset/" + AGENT, "--wait=true");
      admin.leases().inNamespace(SYSTEM).delete();
    } finally {
      if (!agentStateExisted && Files.exists(AGENT_STATE)) {
        try (Stream<Path> paths = Files.walk(AGENT_STATE)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  private int operatorReady() {
    Deployment d = admin.apps().deployments().inNamespace(SYSTEM).withName(OPERATOR).get();
    Integer ready = d == null || d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
    return ready == null ? 0 : ready;
  }

  private int agentReady() {
    DaemonSet d = admin.apps().daemonSets().inNamespace(SYSTEM).withName(AGENT).get();
    Integer ready = d == null || d.getStatus() == null ? null : d.getStatus().getNumberReady();
    return ready == null ? 0 : ready;
  }
}
