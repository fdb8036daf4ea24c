package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** The operator's instructions to one node's agent. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CgroupIsolationNodeSpec {
  public static final int MAX_PODS = 1000;

  @Required
  @Size(max = 253)
  @ValidationRule(value = "self == oldSelf", message = "nodeName is immutable")
  public String nodeName;

  @Required
  @Size(max = 253)
  @ValidationRule(value = "self == oldSelf", message = "isolationName is immutable")
  public String isolationName;

  /** The CgroupIsolation generation these instructions were derived from. */
  public Long isolationGeneration;

  @Default("Apply")
  public NodeAction action = NodeAction.Apply;

  @Default("Enforce")
  public IsolationMode mode = IsolationMode.Enforce;

  @Default("true")
  public Boolean readOnly = Boolean.TRUE;

  /**
   * The isolation's pod selector, copied from it: with it, the agent decides about a container at
   * its creation (in the runtime's request, within its deadline) without asking the API server, for
   * a pod the operator has not listed yet. Absent in objects written before it existed: then the
   * agent decides nothing at creation.
   */
  public PodSelector podSelector;

  /** The isolation's policy for pods that mount the host cgroupfs, copied from it. */
  @Default("Skip")
  public HostCgroupfsPolicy hostCgroupfsPods = HostCgroupfsPolicy.Skip;

  /** Container names to act on; empty means every container of the listed pods. */
  @Size(max = 64)
  public List<String> containers;

  /** The pods on this node that the CgroupIsolation selects, after the operator's exclusions. */
  @Size(max = MAX_PODS)
  public List<PodTarget> pods = new ArrayList<>();
}
