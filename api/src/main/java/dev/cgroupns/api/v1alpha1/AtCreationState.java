package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;

/**
 * Whether the node's agent isolates targeted containers as the runtime creates them (through the
 * runtime's NRI), or only remounts them once they run.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AtCreationState {
  public static final int MAX_REASON = 256;

  /**
   * True while the runtime takes the agent's adjustments: a targeted container created now is born
   * in a cgroup namespace of its own. False: it is isolated by remounting once it runs.
   */
  public Boolean active;

  /**
   * Why not, when not: NRI disabled in the agent's flags, no NRI socket, the plugin cannot
   * register, the runtime closed the connection, or the runtime refused an adjusted creation.
   */
  @Size(max = MAX_REASON)
  public String reason;

  public AtCreationState() {}

  public AtCreationState(Boolean active, String reason) {
    this.active = active;
    this.reason = reason;
  }
}
