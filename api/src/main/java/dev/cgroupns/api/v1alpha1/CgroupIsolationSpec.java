package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What a platform team asks for: which pods, which containers, and how. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.readOnly) || self.readOnly"
            + " || (has(self.readWriteReason) && size(self.readWriteReason) >= 10)",
    message =
        "readOnly: false lets root inside the selected containers raise its own cgroup limits;"
            + " say why in spec.readWriteReason (at least 10 characters)")
public class CgroupIsolationSpec {
  /** Pods in this resource's namespace to isolate. Required; {} selects every pod. */
  @Required public PodSelector podSelector;

  /**
   * Container names to isolate within the selected pods. Empty or absent: all containers.
   *
   * <p>The rule already limits names to 63 characters, but kube-apiserver estimates a rule's cost
   * from the schema's bounds only: without maxLength on the items it costs each name at 3 MiB and
   * refuses the CRD.
   */
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(c, c.matches('" + LabelPatterns.DNS_LABEL + "'))",
      message =
          "containers must be container names (lowercase DNS labels of at most 63 characters)")
  public List<@Size(max = 63) String> containers;

  /** Enforce changes containers; Audit only reports what Enforce would change. */
  @Default("Enforce")
  public IsolationMode mode = IsolationMode.Enforce;

  /**
   * Mount the isolated cgroupfs read-only. A writable cgroupfs lets root in the container raise its
   * own limits, so false needs readWriteReason and an operator that permits read-write mounts.
   */
  @Default("true")
  public Boolean readOnly = Boolean.TRUE;

  /** Why readOnly is false. Required when it is. */
  @Size(max = 256)
  public String readWriteReason;

  /** Pods that mount the host cgroupfs on purpose are skipped unless this is Include. */
  @Default("Skip")
  public HostCgroupfsPolicy hostCgroupfsPods = HostCgroupfsPolicy.Skip;

  public boolean readOnlyOrDefault() {
    return readOnly == null || readOnly;
  }
}
