package dev.cgroupns.agent.discovery;

/** The pod's QoS class, as encoded in its cgroup path by the kubelet. */
public enum QosClass {
  GUARANTEED,
  BURSTABLE,
  BEST_EFFORT
}
