package dev.cgroupns.operator.testing;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import dev.cgroupns.api.v1alpha1.CgroupPaths;
import dev.cgroupns.api.v1alpha1.CgroupVersion;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import dev.cgroupns.api.v1alpha1.ContainerView;
import dev.cgroupns.api.v1alpha1.MountState;
import dev.cgroupns.api.v1alpha1.MountView;
import dev.cgroupns.api.v1alpha1.NodeCounts;
import dev.cgroupns.operator.targets.DesiredNodeObjects;
import dev.cgroupns.operator.targets.Resolution;
import dev.cgroupns.operator.targets.ResolvedPod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A CgroupIsolationNode for a full node as it will look in production: 110 pods (the kubelet's
 * default maximum), two containers each, cgroup v2 with the systemd driver, and the agent's status
 * with every container's view.
 */
public final class RealisticNodeObject {
  public static final int PODS = 110;
  public static final int CONTAINERS_PER_POD = 2;

  private RealisticNodeObject() {}

  /** The object as the operator writes it (spec only). */
  public static CgroupIsolationNode instructed() {
    CgroupIsolation isolation = Fixtures.isolation("payments", "payments-isolation", Map.of());
    var byNode = new TreeMap<String, List<ResolvedPod>>();
    byNode.put("ip-10-0-12-34.eu-west-1.compute.internal", pods());
    return DesiredNodeObjects.build(isolation, new Resolution(byNode, List.of())).get(0);
  }

  /** The same object after its agent reported on every container. */
  public static CgroupIsolationNode reported() {
    CgroupIsolationNode object = instructed();
    object.setStatus(agentStatus(object, pods()));
    return object;
  }

  private static List<ResolvedPod> pods() {
    List<ResolvedPod> pods = new ArrayList<>();
    for (int i = 0; i < PODS; i++) {
      pods.add(
          new ResolvedPod(
              String.format("checkout-api-7d9f8b6c5d-%05d", i),
              UUID.nameUUIDFromBytes(("pod" + i).getBytes(StandardCharsets.UTF_8)).toString(),
              List.of("app", "istio-proxy")));
    }
    return pods;
  }

  static CgroupIsolationNodeStatus agentStatus(CgroupIsolationNode object, List<ResolvedPod> pods) {
    CgroupIsolationNodeStatus status = new CgroupIsolationNodeStatus();
    status.observedGeneration = 1L;
    status.agent = "cgroup-isolation-agent-x7k2p";
    status.lastVerified = "2026-11-29T07:00:00Z";
    int pid = 40_000;
    for (ResolvedPod pod : pods) {
      for (String container : pod.containers()) {
        String id = UUID.randomUUID().toString().replace("-", "");
        id = id + id;
        ContainerResult result = new ContainerResult();
        result.pod = pod.name();
        result.podUID = pod.uid();
        result.container = container;
        result.containerID = "containerd://" + id;
        result.pid = (long) pid++;
        result.cgroupVersion = CgroupVersion.V2;
        result.hostCgroupPaths =
            List.of(
                new CgroupPaths(
                    "",
                    "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                        + pod.uid().replace('-', '_')
                        + ".slice/cri-containerd-"
                        + id
                        + ".scope"));
        ContainerView view = new ContainerView();
        view.procSelfCgroup = List.of(new CgroupPaths("", "/"));
        view.mounts = List.of(new MountView("/sys/fs/cgroup", "/", true, false));
        result.view = view;
        result.privateNamespace = true;
        result.mountState = MountState.ReadOnly;
        result.phase = ContainerPhase.Isolated;
        result.lastTransitionTime = "2026-11-29T06:59:58Z";
        status.containers.add(result);
      }
    }
    NodeCounts counts = new NodeCounts();
    counts.matched = status.containers.size();
    counts.isolated = status.containers.size();
    status.summary = counts;
    return status;
  }
}
