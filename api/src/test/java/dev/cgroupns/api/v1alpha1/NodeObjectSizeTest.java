package dev.cgroupns.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.api.validation.CrdValidator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A CgroupIsolationNode must stay far below etcd's 1 MiB object limit on a full node: 110 pods (the
 * kubelet default maximum) of four containers each, with the longest names Kubernetes allows and
 * systemd-driver cgroup paths, which are the longest there are.
 */
class NodeObjectSizeTest {
  private static final int PODS = 110;
  private static final int ONE_MIB = 1024 * 1024;

  @Test
  void realisticFullNodeTakesAtMostHalfTheBudget() {
    int bytes = sizeOf(fullNode(3, 40, 15), "realistic names");
    assertThat(bytes).isLessThan(ONE_MIB * 45 / 100);
  }

  @Test
  void longestNamesStillFit() {
    int bytes = sizeOf(fullNode(4, 63, 63), "longest names");
    assertThat(bytes).isLessThan(ONE_MIB * 7 / 10);
  }

  @Test
  void fullNodeIsAdmittedByTheCrdSchema() {
    CgroupIsolationNode node = fullNode(4, 63, 63);
    assertThat(node.getStatus().containers).hasSize(PODS * 4);
    var resource = Serialization.jsonMapper().valueToTree(node);
    assertThat(CrdValidator.forCommittedCrds().validateCreate(resource)).isEmpty();
  }

  private static int sizeOf(CgroupIsolationNode node, String what) {
    int bytes = Serialization.asJson(node).getBytes(StandardCharsets.UTF_8).length;
    System.out.printf(
        "CgroupIsolationNode, %d pods x %d containers, %s: %d bytes (%.0f%% of 1 MiB)%n",
        PODS, node.getStatus().containers.size() / PODS, what, bytes, 100.0 * bytes / ONE_MIB);
    return bytes;
  }

  private static CgroupIsolationNode fullNode(
      int containersPerPod, int podNameLength, int containerNameLength) {
    CgroupIsolationNode node = new CgroupIsolationNode();
    node.setMetadata(
        new ObjectMetaBuilder()
            .withName("a".repeat(50) + "-3f2a9c1e")
            .withNamespace("team-a")
            .build());
    CgroupIsolationNodeSpec spec = new CgroupIsolationNodeSpec();
    spec.nodeName = "ip-10-0-123-45.eu-west-1.compute.internal";
    spec.isolationName = "a".repeat(50);
    CgroupIsolationNodeStatus status = new CgroupIsolationNodeStatus();
    for (int p = 0; p < PODS; p++) {
      String podName = name("p", p, podNameLength);
      String uid = UUID.randomUUID().toString();
      spec.pods.add(new PodTarget(podName, uid));
      for (int c = 0; c < containersPerPod; c++) {
        status.containers.add(container(podName, uid, name("c", c, containerNameLength)));
      }
    }
    node.setSpec(spec);
    node.setStatus(status);
    return node;
  }

  private static String name(String letter, int index, int length) {
    return letter.repeat(length - 3) + String.format("%03d", index);
  }

  private static ContainerResult container(String podName, String uid, String containerName) {
    String id = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    String path =
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
            + uid.replace('-', '_')
            + ".slice/cri-containerd-"
            + id
            + ".scope";
    String v1 =
        "blkio;cpu,cpuacct;cpuset;devices;freezer;hugetlb;memory;net_cls,net_prio;perf_event;pids;rdma;name=systemd";
    ContainerResult result = new ContainerResult();
    result.pod = podName;
    result.podUID = uid;
    result.container = containerName;
    result.containerID = "containerd://" + id;
    result.pid = 4_194_304L;
    result.cgroupVersion = CgroupVersion.Hybrid;
    result.hostCgroupPaths = List.of(new CgroupPaths(path));
    ContainerView view = new ContainerView();
    view.procSelfCgroup = List.of(new CgroupPaths(path));
    view.mounts =
        List.of(
            new MountView(
                "/sys/fs/cgroup/{blkio,cpu,cpuacct,cpuset,devices,freezer,hugetlb,memory,"
                    + "net_cls,net_prio,perf_event,pids,rdma,systemd,unified}",
                path,
                true,
                false));
    result.view = view;
    result.privateNamespace = false;
    result.mountState = MountState.ReadOnly;
    result.phase = ContainerPhase.Isolated;
    result.message = "isolated: 13 cgroupfs mounts now show only the container's own subtree";
    result.lastTransitionTime = "2026-11-29T06:00:00Z";
    return result;
  }
}
