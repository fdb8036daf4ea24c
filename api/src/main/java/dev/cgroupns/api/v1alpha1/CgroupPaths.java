package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * One cgroup path and the hierarchies that share it. On v1 every controller usually has the same
 * path, so grouping keeps a container's entry to a line or two instead of one per hierarchy.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CgroupPaths {
  /**
   * The hierarchies, as /proc/PID/cgroup names them: "cpu,cpuacct", "name=systemd", or "" for v2;
   * several hierarchies are joined with ';'.
   */
  @Required
  @Size(max = 512)
  public String hierarchies;

  @Required
  @Size(max = 4096)
  public String path;

  public CgroupPaths() {}

  public CgroupPaths(String hierarchies, String path) {
    this.hierarchies = hierarchies;
    this.path = path;
  }
}
