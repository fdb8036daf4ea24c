package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Cgroupfs mounts of a container that share a root and write access, as the container sees them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MountView {
  /**
   * Mount points inside the container, joined with ','; mount points that share a parent directory
   * may be written once as parent/{a,b,c}.
   */
  @Required
  @Size(max = 2048)
  public String mountPoints;

  /** The root field of those mounts in the container's mountinfo. */
  @Required
  @Size(max = 4096)
  public String root;

  @Required public Boolean readOnly;

  /** True when the mount shows more than the container's own subtree. */
  public Boolean exposesMore;

  public MountView() {}

  public MountView(String mountPoints, String root, boolean readOnly, boolean exposesMore) {
    this.mountPoints = mountPoints;
    this.root = root;
    this.readOnly = readOnly;
    this.exposesMore = exposesMore;
  }
}
