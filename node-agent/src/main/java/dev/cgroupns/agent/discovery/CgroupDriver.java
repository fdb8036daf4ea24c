package dev.cgroupns.agent.discovery;

/** How the kubelet (or runtime) names cgroups: plain directories, or systemd slices and scopes. */
public enum CgroupDriver {
  CGROUPFS,
  SYSTEMD
}
