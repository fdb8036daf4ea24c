package dev.cgroupns.agent.daemon.api;

import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import io.fabric8.kubernetes.api.model.Pod;

/** What the daemon hears from its watches. Called on the informers' threads: keep it quick. */
public interface WatchListener {
  /** A node object appeared, or its spec or status changed. */
  void objectChanged(CgroupIsolationNode before, CgroupIsolationNode after);

  void objectDeleted(CgroupIsolationNode object);

  /** A pod of this node appeared, changed or went away. */
  void podChanged(Pod pod);
}
