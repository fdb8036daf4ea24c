/**
 * Version v1alpha1 of the {@code cgroupns.dev} API.
 *
 * <p>Two kinds: {@link dev.cgroupns.api.v1alpha1.CgroupIsolation}, written by platform teams, and
 * {@link dev.cgroupns.api.v1alpha1.CgroupIsolationNode}, one per (CgroupIsolation, node), whose
 * spec is written by the operator and whose status is written by that node's agent. The classes are
 * plain data carriers: Jackson serializes their public fields, and the CRD generator derives the
 * schema (with its validation rules) from the same fields.
 */
package dev.cgroupns.api.v1alpha1;
