package dev.cgroupns.agent.discovery;

/**
 * The runtime that created a container, as far as its cgroup name or status prefix tells. A bare
 * 64-hex leaf under a pod is written by containerd and by docker (cri-dockerd) alike: UNKNOWN.
 */
public enum ContainerRuntime {
  CONTAINERD,
  CRIO,
  DOCKER,
  UNKNOWN
}
