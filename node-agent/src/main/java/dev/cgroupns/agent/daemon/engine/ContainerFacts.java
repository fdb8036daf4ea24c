package dev.cgroupns.agent.daemon.engine;

import dev.cgroupns.agent.inspect.CgroupNamespace;
import dev.cgroupns.api.v1alpha1.CgroupPaths;
import dev.cgroupns.api.v1alpha1.CgroupVersion;
import dev.cgroupns.api.v1alpha1.ContainerView;
import dev.cgroupns.api.v1alpha1.MountState;
import java.util.List;

/**
 * What the kernel showed about a container after the engine acted: the parts of a ContainerResult
 * that come from the kernel rather than from the API.
 *
 * @param cgroupVersion the container's hierarchies
 * @param hostCgroupPaths its cgroups as the agent reads them
 * @param view what it sees from inside
 * @param namespace whose cgroup namespace it is in
 * @param mountState the write access of its cgroupfs mounts
 */
public record ContainerFacts(
    CgroupVersion cgroupVersion,
    List<CgroupPaths> hostCgroupPaths,
    ContainerView view,
    CgroupNamespace namespace,
    MountState mountState) {
  public ContainerFacts {
    hostCgroupPaths = hostCgroupPaths == null ? List.of() : List.copyOf(hostCgroupPaths);
  }

  /** Nothing known. */
  public static ContainerFacts unknown() {
    return new ContainerFacts(null, List.of(), null, CgroupNamespace.UNKNOWN, null);
  }
}
