package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * One cgroup path and the hierarchies that share it. A container usually has the same path in every
 * hierarchy; then there is a single entry without hierarchies, instead of one line per hierarchy,
 * which keeps a full node's status well below the API object size limit.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CgroupPaths {
  /**
   * The hierarchies that have this path, as /proc/PID/cgroup names them ("cpu,cpuacct",
   * "name=systemd", "" for v2), joined with ';'. Omitted when every hierarchy has this path.
   */
  @Size(max = 512)
  public String hierarchies;

  @Required
  @Size(max = 4096)
  public String path;

  public CgroupPaths() {}

  /** The same path in every hierarchy. */
  public CgroupPaths(String path) {
    this.path = path;
  }

  public CgroupPaths(String hierarchies, String path) {
    this.hierarchies = hierarchies;
    this.path = path;
  }
}
