package dev.cgroupns.operator.testing;

import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeSpec;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNodeStatus;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;

/** Node objects as the API server would hold them, for the pure tests. */
public final class NodeObjects {
  private NodeObjects() {}

  public static CgroupIsolationNode object(String node, long generation) {
    CgroupIsolationNode object = new CgroupIsolationNode();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withName("iso-" + node)
            .withNamespace("team-a")
            .withGeneration(generation)
            .build());
    CgroupIsolationNodeSpec spec = new CgroupIsolationNodeSpec();
    spec.nodeName = node;
    spec.isolationName = "iso";
    object.setSpec(spec);
    return object;
  }

  /** The agent's report for the given generation, results added with {@link #result}. */
  public static CgroupIsolationNode reported(CgroupIsolationNode object, long observedGeneration) {
    CgroupIsolationNodeStatus status = new CgroupIsolationNodeStatus();
    status.observedGeneration = observedGeneration;
    status.containers = new ArrayList<>();
    object.setStatus(status);
    return object;
  }

  public static CgroupIsolationNode result(
      CgroupIsolationNode object, String pod, String uid, String container, ContainerPhase phase) {
    ContainerResult result = new ContainerResult();
    result.pod = pod;
    result.podUID = uid;
    result.container = container;
    result.phase = phase;
    object.getStatus().containers.add(result);
    return object;
  }
}
