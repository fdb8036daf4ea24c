package dev.cgroupns.e2e.harness;

import dev.cgroupns.api.v1alpha1.CgroupIsolation;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Objects;
import java.util.Optional;

/** Reads a CgroupIsolation's kstatus conditions as Flux or {@code kubectl wait} would. */
public final class IsolationConditions {

  private IsolationConditions() {}

  /** The condition of that type, if the status has one. */
  public static Optional<Condition> condition(CgroupIsolation isolation, String type) {
    if (isolation.getStatus() == null || isolation.getStatus().conditions == null) {
      return Optional.empty();
    }
    return isolation.getStatus().conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  /**
   * Ready=True, and both the status and the Ready condition describe the object's current
   * generation: an old Ready left over from before a spec change does not count.
   */
  public static boolean readyForCurrentGeneration(CgroupIsolation isolation) {
    Long generation = isolation.getMetadata().getGeneration();
    return generation != null
        && isolation.getStatus() != null
        && Objects.equals(generation, isolation.getStatus().observedGeneration)
        && condition(isolation, "Ready")
            .filter(c -> "True".equals(c.getStatus()))
            .filter(c -> Objects.equals(generation, c.getObservedGeneration()))
            .isPresent();
  }
}
