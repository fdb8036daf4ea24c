package dev.cgroupns.api.v1alpha1;

/** The operators of a label selector requirement, as in Kubernetes' own LabelSelector. */
public enum LabelSelectorOperator {
  In,
  NotIn,
  Exists,
  DoesNotExist
}
