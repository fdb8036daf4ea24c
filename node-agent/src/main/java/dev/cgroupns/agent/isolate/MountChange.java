package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.cgroup.Hierarchy;
import java.util.List;

/**
 * One cgroupfs mount of the container to replace.
 *
 * @param mountId its ID in the container's mountinfo, checked again right before it is touched;
 *     {@link #NOTHING_MOUNTED} for a mount point an interrupted isolation left empty
 * @param mountPoint where it is, inside the container
 * @param hierarchy the hierarchy, as the agent reaches it
 * @param currentRoot its root cgroup now, as the agent reads it
 * @param currentOptions its per-mount options now (ro/rw, nosuid, relatime, ...)
 * @param targetRoot the container's own cgroup in that hierarchy, as the agent reads it
 * @param targetReadOnly whether the replacement is read-only
 * @param reason why it changes, for people
 */
public record MountChange(
    int mountId,
    String mountPoint,
    Hierarchy hierarchy,
    String currentRoot,
    List<String> currentOptions,
    String targetRoot,
    boolean targetReadOnly,
    String reason) {

  /**
   * The {@link #mountId} of a recorded mount point where nothing is mounted now: an agent killed
   * between detaching the old mount and moving the new one there leaves it so.
   */
  public static final int NOTHING_MOUNTED = -1;

  public MountChange {
    currentOptions = List.copyOf(currentOptions);
  }

  /** Whether the mount point is empty now (see {@link #NOTHING_MOUNTED}). */
  public boolean lost() {
    return mountId == NOTHING_MOUNTED;
  }

  public boolean v2() {
    return hierarchy.v2();
  }

  public boolean currentReadOnly() {
    return currentOptions.contains("ro");
  }

  /** One line for people: what is replaced by what. */
  public String describe() {
    return mountPoint
        + ": "
        + hierarchy.displayName()
        + (lost()
            ? " nothing mounted"
            : " root " + currentRoot + (currentReadOnly() ? " ro" : " rw"))
        + " -> "
        + targetRoot
        + (targetReadOnly ? " ro" : " rw")
        + " ("
        + reason
        + ")";
  }
}
