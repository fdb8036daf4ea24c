package dev.cgroupns.api.validation.cost;

import dev.cel.common.types.CelKind;

/**
 * The largest key (or index) and value of a list or map the rule builds itself, such as a list
 * literal: cel-go tracks them so that iterating over such a container knows its elements' sizes.
 */
record EntrySize(CelKind container, long maxKey, long maxValue) {
  /** Both containers' entries, or null when either is unknown (as cel-go's union does). */
  static EntrySize union(EntrySize a, EntrySize b) {
    if (a == null || b == null) {
      return null;
    }
    return new EntrySize(
        a.container, Math.max(a.maxKey, b.maxKey), Math.max(a.maxValue, b.maxValue));
  }
}
