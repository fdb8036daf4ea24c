package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** The counters of one node, as folded from its CgroupIsolationNode status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeSummary {
  @Required public String node;
  public Integer matched;
  public Integer isolated;
  public Integer alreadyPrivate;
  public Integer wouldChange;
  public Integer pending;
  public Integer failed;

  /** False when the node's agent has not reported on the current instructions. */
  public Boolean agentReporting;

  /**
   * True when the node's agent says targeted containers are born isolated (in a cgroup namespace of
   * their own, through the runtime's NRI); false when they are isolated by remounting once they run
   * (the node's object says why); absent when the agent has not said.
   */
  public Boolean isolatesAtCreation;
}
