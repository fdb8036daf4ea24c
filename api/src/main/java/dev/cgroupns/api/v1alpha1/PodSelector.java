package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * Selects pods by label, exactly like NetworkPolicy's podSelector: matchLabels and matchExpressions
 * are ANDed, and an empty selector selects every pod in the namespace.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodSelector {
  // maxLength on the values is what bounds these rules' estimated cost: kube-apiserver reads the
  // schema's bounds, not the size checks inside a rule. A structural schema cannot bound the keys;
  // the apiserver's estimate gives them no size, and the rule checks their length.
  @ValidationRule(
      value = "self.all(k, k.matches('" + LabelPatterns.KEY + "') && size(k) <= 316)",
      message = "matchLabels keys must be valid label keys (an optional DNS prefix and a name)")
  @ValidationRule(
      value = "self.all(k, self[k].matches('" + LabelPatterns.VALUE + "') && size(self[k]) <= 63)",
      message =
          "matchLabels values must be valid label values: at most 63 characters, alphanumeric,"
              + " '-', '_' or '.' inside")
  @Size(max = 64)
  public Map<String, @Size(max = LabelValues.MAX_LENGTH) String> matchLabels;

  @Size(max = 64)
  public List<LabelSelectorRequirement> matchExpressions;

  public PodSelector() {}

  public PodSelector(
      Map<String, String> matchLabels, List<LabelSelectorRequirement> matchExpressions) {
    this.matchLabels = matchLabels;
    this.matchExpressions = matchExpressions;
  }
}
