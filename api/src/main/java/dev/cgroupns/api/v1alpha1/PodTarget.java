package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A pod the operator resolved on this node. The agent re-checks it against its own view of the pod
 * (same UID, same node) and finds containers from the pod's status, so container restarts need no
 * new instructions.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTarget {
  @Required
  @Size(max = 253)
  public String name;

  @Required
  @Pattern("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
  public String uid;

  public PodTarget() {}

  public PodTarget(String name, String uid) {
    this.name = name;
    this.uid = uid;
  }
}
