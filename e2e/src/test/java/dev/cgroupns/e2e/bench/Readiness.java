package dev.cgroupns.e2e.bench;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import io.fabric8.kubernetes.api.model.Condition;

/** When a benchmark counts a CgroupIsolation as done. */
public final class Readiness {
  private Readiness() {}

  /** Ready=True, written for the resource's current generation. */
  public static boolean ready(CgroupIsolation isolation) {
    if (isolation == null || isolation.getStatus() == null) {
      return false;
    }
    Long generation = isolation.getMetadata().getGeneration();
    if (generation == null || !generation.equals(isolation.getStatus().observedGeneration)) {
      return false;
    }
    for (Condition c : isolation.getStatus().conditions) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }
}
