package dev.cgroupns.testbed.runc;

/**
 * How a container is made.
 *
 * @param driver the kubelet naming style of its cgroups
 * @param cgroupNamespace true to give it a private cgroup namespace
 * @param hostCgroupfs true to rbind the host's /sys/fs/cgroup into it read-write, as a privileged
 *     or hostPath pod sees it: the case isolation really changes
 * @param writableCgroupMount true to drop "ro" from runc's own cgroup mount
 * @param traps true to lay {@link RootfsTraps} in its root filesystem
 * @param sharedPropagation true for rootfsPropagation "rshared": the container's mounts are shared
 *     (peer groups of their own), as on hosts where everything is shared
 */
public record ContainerSpec(
    Driver driver,
    boolean cgroupNamespace,
    boolean hostCgroupfs,
    boolean writableCgroupMount,
    boolean traps,
    boolean sharedPropagation) {

  /** Kubelet cgroup naming of a BestEffort pod's container. */
  public enum Driver {
    /** /kubepods/besteffort/pod&lt;uid&gt;/&lt;id&gt; */
    CGROUPFS,
    /**
     * /kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod&lt;u_id&gt;.slice/
     * cri-containerd-&lt;id&gt;.scope, created through runc's cgroupfs driver (runc's systemd
     * driver needs a running systemd)
     */
    SYSTEMD_NAMES
  }

  /** runc's defaults: host cgroup namespace, its own read-only bind mounts, cgroupfs names. */
  public static ContainerSpec plain() {
    return new ContainerSpec(Driver.CGROUPFS, false, false, false, false, false);
  }

  /**
   * A privileged pod's container on a node whose runtime adds no cgroup namespace: the host's
   * cgroup namespace and its whole /sys/fs/cgroup, read-write. That is the exposure isolation
   * removes.
   */
  public static ContainerSpec privilegedPod() {
    return plain().withHostCgroupfs();
  }

  public ContainerSpec withDriver(Driver d) {
    return new ContainerSpec(
        d, cgroupNamespace, hostCgroupfs, writableCgroupMount, traps, sharedPropagation);
  }

  public ContainerSpec withCgroupNamespace() {
    return new ContainerSpec(
        driver, true, hostCgroupfs, writableCgroupMount, traps, sharedPropagation);
  }

  public ContainerSpec withHostCgroupfs() {
    return new ContainerSpec(
        driver, cgroupNamespace, true, writableCgroupMount, traps, sharedPropagation);
  }

  public ContainerSpec withWritableCgroupMount() {
    return new ContainerSpec(driver, cgroupNamespace, hostCgroupfs, true, traps, sharedPropagation);
  }

  public ContainerSpec withTraps() {
    return new ContainerSpec(
        driver, cgroupNamespace, hostCgroupfs, writableCgroupMount, true, sharedPropagation);
  }

  public ContainerSpec withSharedPropagation() {
    return new ContainerSpec(
        driver, cgroupNamespace, hostCgroupfs, writableCgroupMount, traps, true);
  }
}
