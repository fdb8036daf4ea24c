package dev.cgroupns.agent.daemon.targets;

import dev.cgroupns.api.v1alpha1.ContainerResult;
import java.util.List;

/**
 * What one pass over a node object has to do.
 *
 * @param apply containers to isolate (or audit)
 * @param revert containers to revert
 * @param decided results the resolver settled without the engine: pods left alone, containers not
 *     running yet, invalid IDs, and earlier results that stay as they are
 */
public record PassPlan(
    List<ContainerTarget> apply, List<RevertTarget> revert, List<ContainerResult> decided) {
  public PassPlan {
    apply = List.copyOf(apply);
    revert = List.copyOf(revert);
    decided = List.copyOf(decided);
  }

  /** True when some container needs the engine. */
  public boolean needsEngine() {
    return !apply.isEmpty() || !revert.isEmpty();
  }
}
