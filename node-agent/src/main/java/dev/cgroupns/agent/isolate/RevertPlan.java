package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.cgroup.CgroupPathException;
import dev.cgroupns.agent.cgroup.Hierarchy;
import dev.cgroupns.agent.isolate.RevertRecord.RecordedMount;
import dev.cgroupns.agent.proc.MountInfoEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pure: matches a revert record against the container's current cgroupfs mounts. A recorded mount
 * point is reverted only if what is there now is still the mount the agent made (same hierarchy,
 * same root), or if nothing is mounted there (an isolation killed between detaching the original
 * and moving its replacement there; the swap checks again that the mount point is empty). A mount
 * point that already shows its original mount (a revert killed half-way, or before it deleted the
 * record) is left as it is. Anything else is refused rather than guessed at.
 *
 * @param steps what to put back where
 * @param refusals why it cannot be reverted; empty when it can
 */
public record RevertPlan(List<Step> steps, List<String> refusals) {
  public RevertPlan {
    steps = List.copyOf(steps);
    refusals = List.copyOf(refusals);
  }

  /**
   * One mount point to put back.
   *
   * @param recorded what the record says
   * @param currentMountId the ID of the agent's mount there now, or {@link
   *     MountChange#NOTHING_MOUNTED}
   * @param originalDirectory the original root, reached through the agent's hierarchy mount
   */
  public record Step(RecordedMount recorded, int currentMountId, Path originalDirectory) {}

  /**
   * @param currentCgroupMounts the container's visible cgroupfs mounts now, as the agent reads them
   */
  public static RevertPlan of(
      RevertRecord record, List<MountInfoEntry> currentCgroupMounts, CgroupLayout layout) {
    List<Step> steps = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (RecordedMount recorded : record.mounts()) {
      Optional<MountInfoEntry> now =
          currentCgroupMounts.stream()
              .filter(m -> m.mountPoint().equals(recorded.mountPoint()))
              .findFirst();
      Optional<Hierarchy> hierarchy = hierarchyOf(recorded, layout);
      if (now.isEmpty() && hierarchy.isPresent()) {
        try {
          Path dir = layout.directoryOf(hierarchy.get(), recorded.originalRoot());
          steps.add(new Step(recorded, MountChange.NOTHING_MOUNTED, dir));
        } catch (CgroupPathException e) {
          refusals.add(recorded.mountPoint() + ": " + e.getMessage());
        }
      } else if (now.isEmpty()) {
        refusals.add(recorded.mountPoint() + ": nothing mounted, and its hierarchy is not found");
      } else if (isOriginal(now.get(), recorded)) {
        continue;
      } else if (now.get().isCgroupV2() != recorded.v2()
          || !now.get().root().equals(recorded.isolatedRoot())) {
        refusals.add(
            recorded.mountPoint()
                + ": changed since isolation (root now "
                + now.get().root()
                + ", expected "
                + recorded.isolatedRoot()
                + ")");
      } else if (hierarchy.isEmpty()) {
        refusals.add(recorded.mountPoint() + ": its hierarchy is not mounted where the agent is");
      } else {
        try {
          Path dir = layout.directoryOf(hierarchy.get(), recorded.originalRoot());
          steps.add(new Step(recorded, now.get().mountId(), dir));
        } catch (CgroupPathException e) {
          refusals.add(recorded.mountPoint() + ": " + e.getMessage());
        }
      }
    }
    return new RevertPlan(steps, refusals);
  }

  private static boolean isOriginal(MountInfoEntry now, RecordedMount recorded) {
    return now.isCgroupV2() == recorded.v2()
        && now.root().equals(recorded.originalRoot())
        && now.readOnly() == recorded.originalOptions().contains("ro");
  }

  /** One line per step, for people. */
  public List<String> describe() {
    return steps.stream()
        .map(
            s ->
                s.recorded().mountPoint()
                    + ": root "
                    + s.recorded().isolatedRoot()
                    + " -> "
                    + s.recorded().originalRoot()
                    + " "
                    + String.join(",", s.recorded().originalOptions()))
        .toList();
  }

  static Optional<Hierarchy> hierarchyOf(RecordedMount recorded, CgroupLayout layout) {
    return layout.hierarchies().stream()
        .filter(h -> h.v2() == recorded.v2())
        .filter(
            h ->
                h.v2() || h.controllers().stream().sorted().toList().equals(recorded.controllers()))
        .findFirst();
  }
}
