package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * What a container sees, as the kernel renders it for the container's own cgroup namespace: its
 * /proc/self/cgroup lines (grouped by path) and its cgroupfs mounts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ContainerView {
  @Size(max = 16)
  public List<CgroupPaths> procSelfCgroup = new ArrayList<>();

  @Size(max = 32)
  public List<MountView> mounts = new ArrayList<>();
}
