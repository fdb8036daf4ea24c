package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import java.util.Objects;
import java.util.Optional;

/**
 * What to isolate and how.
 *
 * @param target the container process
 * @param access of the new mounts; read-only everywhere unless a person or a spec asks otherwise
 * @param mode {@link IsolationMode#Audit} only reports what would change
 * @param daemonOwner what the daemon isolates it for, written into the revert record; empty when a
 *     person isolates it with the CLI, whose records the daemon never reverts on its own
 */
public record IsolationRequest(
    ProcessIdentity target,
    MountAccess access,
    IsolationMode mode,
    Optional<RecordOwner> daemonOwner) {
  public IsolationRequest {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(daemonOwner, "daemonOwner");
  }

  /** Read-only, enforced, for a person at the CLI: the defaults. */
  public static IsolationRequest of(ProcessIdentity target) {
    return new IsolationRequest(
        target, MountAccess.READ_ONLY, IsolationMode.Enforce, Optional.empty());
  }

  public IsolationRequest withAccess(MountAccess newAccess) {
    return new IsolationRequest(target, newAccess, mode, daemonOwner);
  }

  public IsolationRequest withMode(IsolationMode newMode) {
    return new IsolationRequest(target, access, newMode, daemonOwner);
  }

  public IsolationRequest ownedBy(RecordOwner owner) {
    return new IsolationRequest(target, access, mode, Optional.of(owner));
  }

  boolean audit() {
    return mode == IsolationMode.Audit;
  }
}
