package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.proc.ProcessIdentity;
import java.util.List;

/**
 * What isolating a container would do, decided before anything is touched.
 *
 * @param process the container process
 * @param verdict the overall decision
 * @param changes the mounts to replace (only for {@link Verdict#CHANGE})
 * @param sharedMountsToSlave mount points (targets or their parents) that are shared and are made
 *     slave first, so that nothing done in the container propagates to the host
 * @param notes mounts left as they are and why; the reason when refused
 */
public record IsolationPlan(
    ProcessIdentity process,
    Verdict verdict,
    List<MountChange> changes,
    List<SharedMount> sharedMountsToSlave,
    List<String> notes) {

  public IsolationPlan {
    changes = List.copyOf(changes);
    sharedMountsToSlave = List.copyOf(sharedMountsToSlave);
    notes = List.copyOf(notes);
  }

  /** The overall decision. */
  public enum Verdict {
    /** Some mounts must be replaced. */
    CHANGE,
    /** Every cgroupfs mount already shows only the container's own subtree, as requested. */
    ALREADY_ISOLATED,
    /** The container has no cgroupfs mount: nothing to narrow. */
    NO_CGROUP_MOUNTS,
    /** Its runtime gave it a private cgroup namespace: reported and left alone. */
    ALREADY_PRIVATE,
    /** It cannot be done safely; {@link #notes} say why. Nothing is changed. */
    REFUSED
  }

  /**
   * A shared mount to make slave.
   *
   * @param mountId its ID in the container's mountinfo
   * @param mountPoint where it is, inside the container
   */
  public record SharedMount(int mountId, String mountPoint) {}
}
