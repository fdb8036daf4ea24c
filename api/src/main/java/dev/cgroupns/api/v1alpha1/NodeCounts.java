package dev.cgroupns.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Counters of one node's containers by phase, so readers need not walk the container list. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeCounts {
  public Integer matched;
  public Integer isolated;
  public Integer alreadyPrivate;
  public Integer wouldChange;
  public Integer pending;
  public Integer failed;
  public Integer reverted;
}
