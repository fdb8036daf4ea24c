package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's results for its node. Written only by that node's agent, in one batch per pass over
 * its containers rather than one write per container.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CgroupIsolationNodeStatus {
  public static final int MAX_CONTAINERS = 1000;

  /** The metadata.generation of this object whose instructions the agent has acted on. */
  public Long observedGeneration;

  /** The agent pod that wrote this status. */
  public String agent;

  /** When the agent last checked every container against the kernel (RFC 3339). */
  public String lastVerified;

  public NodeCounts summary;

  /** Whether the agent isolates targeted containers at their creation, and why not when not. */
  public AtCreationState atCreation;

  @Size(max = MAX_CONTAINERS)
  public List<ContainerResult> containers = new ArrayList<>();
}
