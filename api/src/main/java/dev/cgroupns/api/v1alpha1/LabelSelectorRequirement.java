package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One requirement of a pod selector: a label key, an operator and (for In/NotIn) values. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "self.operator in ['In', 'NotIn'] ? (has(self.values) && size(self.values) > 0)"
            + " : (!has(self.values) || size(self.values) == 0)",
    message = "values must be non-empty for In and NotIn, and empty for Exists and DoesNotExist")
public class LabelSelectorRequirement {
  @Required
  @Size(max = 316)
  @Pattern(LabelPatterns.KEY)
  public String key;

  @Required public LabelSelectorOperator operator;

  // maxLength on the items, not the size check in the rule, is what bounds the rule's estimated
  // cost in kube-apiserver; without it the CRD is refused.
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(v, size(v) <= 63 && v.matches('" + LabelPatterns.VALUE + "'))",
      message =
          "values must be valid label values: at most 63 characters, alphanumeric, '-', '_' or '.' inside")
  public List<@Size(max = LabelValues.MAX_LENGTH) String> values;

  public LabelSelectorRequirement() {}

  public LabelSelectorRequirement(String key, LabelSelectorOperator operator, List<String> values) {
    this.key = key;
    this.operator = operator;
    this.values = values;
  }
}
