package dev.cgroupns.agent.daemon.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The agent client's JSON mapping, limited to the kinds the agent meets.
 *
 * <p>By default fabric8's deserializer scans the class path and loads every model class of every
 * API group the first time it reads an object whose type it must look up (about 500 classes and 4
 * MiB of metaspace, for an agent that reads two kinds). Without the scan, a kind nobody registered
 * is read as a generic resource; so every kind that can arrive untyped is registered here: the two
 * watched kinds, and Status, which a watch sends on errors such as 410 Gone (read as anything else,
 * the watch would retry the same stale version instead of listing again).
 */
public final class LeanSerialization {
  private LeanSerialization() {}

  public static KubernetesSerialization create() {
    KubernetesSerialization serialization = new KubernetesSerialization(new ObjectMapper(), false);
    serialization.registerKubernetesResource("v1", "Pod", Pod.class);
    serialization.registerKubernetesResource("v1", "Status", Status.class);
    serialization.registerKubernetesResource("v1", "Event", Event.class);
    serialization.registerKubernetesResource(
        ApiGroup.API_VERSION, "CgroupIsolationNode", CgroupIsolationNode.class);
    return serialization;
  }
}
