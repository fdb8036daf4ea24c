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

  /** Container names to act on; empty means every container of the listed pods. */
  @Size(max = 64)
  public List<String> containers;

  /** The pods on this node that the CgroupIsolation selects, after the operator's exclusions. */
  @Size(max = MAX_PODS)
  public List<PodTarget> pods = new ArrayList<>();
}
