package dev.cgroupns.agent.daemon.engine;

import dev.cgroupns.agent.isolate.IsolationRequest;
import dev.cgroupns.agent.isolate.RecordOwner;
import dev.cgroupns.agent.proc.ProcessIdentity;
import java.util.List;
import java.util.Optional;

/**
 * What the daemon needs from the kernel engine, and nothing more: find a container's init process
 * by container ID (through /proc, never through a path built from an API string), and isolate,
 * audit or revert it. Implementations report every expected failure as an {@link EngineOutcome}
 * rather than throwing, and guarantee that a failed call leaves the container as it was.
 */
public interface ContainerEngine {

  /**
   * A snapshot of the node's running containers, taken once per pass so that a pass over many
   * containers reads /proc once instead of once per container.
   */
  Snapshot snapshot();

  /**
   * Isolates one container (or, with {@code audit}, reports what isolating it would change).
   * Calling it on a container that is already isolated changes nothing and says so: this is also
   * how drift is detected and repaired.
   *
   * @param request the container, its mount access and mode, and its {@linkplain
   *     IsolationRequest#daemonOwner() owner}: what the container is isolated for, kept with its
   *     revert record. Required; refused unless the kernel shows the container in the cgroup of the
   *     owner's pod
   * @param reading whether the outcome carries the container's view even when nothing changed
   */
  EngineOutcome isolate(IsolationRequest request, ViewReading reading);

  /**
   * Puts back the cgroupfs mounts recorded when the container was isolated.
   *
   * @param podUid the pod the container is reverted for: refused unless the kernel shows the
   *     container in that pod's cgroup
   */
  EngineOutcome revert(ProcessIdentity init, String podUid);

  /**
   * Forgets node-local state (revert records, locks) of containers that no longer run. Called
   * periodically; never touches a container that runs.
   */
  default void removeStaleState() {}

  /**
   * The containers that run and whose revert record names an owner (the daemon isolated them for a
   * node object). Records without owner, written by the CLI, are never listed.
   */
  default List<OwnedIsolation> ownedIsolations() {
    return List.of();
  }

  /**
   * A running container the daemon isolated, as its revert record says.
   *
   * @param init the container process the record is for (pid and start time checked alive)
   * @param owner the node object and pod container it was isolated for, validated
   */
  record OwnedIsolation(ProcessIdentity init, RecordOwner owner) {}

  /** Running containers by ID. */
  interface Snapshot {
    /** The init process of a container, empty when none of its processes runs. */
    Optional<ProcessIdentity> find(String containerId);
  }
}
