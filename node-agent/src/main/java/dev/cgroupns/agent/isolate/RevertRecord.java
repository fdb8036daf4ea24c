package dev.cgroupns.agent.isolate;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the agent replaced in one container, kept on the node so {@code revert} can put it back.
 * Written before the first mount is touched.
 *
 * @param pid the container process
 * @param startTime its start time (with the PID, its identity)
 * @param createdAt when the record was first written (RFC 3339)
 * @param mounts one entry per replaced mount point
 * @param owner what the daemon isolated the container for; null when the CLI wrote the record (and
 *     in records written before owners existed, which therefore read as before)
 */
public record RevertRecord(
    int pid,
    long startTime,
    String createdAt,
    List<RecordedMount> mounts,
    @JsonInclude(JsonInclude.Include.NON_NULL) RecordOwner owner) {
  public RevertRecord {
    mounts = List.copyOf(mounts);
  }

  /** A record without owner, as the CLI writes it. */
  public RevertRecord(int pid, long startTime, String createdAt, List<RecordedMount> mounts) {
    this(pid, startTime, createdAt, mounts, null);
  }

  /**
   * One replaced mount.
   *
   * @param mountPoint inside the container
   * @param v2 true for cgroup2
   * @param controllers v1 controllers (and name=xxx), sorted; empty for v2
   * @param originalRoot the root it had, as the agent read it
   * @param originalOptions its per-mount options (ro/rw, nosuid, ...)
   * @param isolatedRoot the root of the replacement, as the agent reads it
   * @param isolatedReadOnly whether the replacement is read-only
   */
  public record RecordedMount(
      String mountPoint,
      boolean v2,
      List<String> controllers,
      String originalRoot,
      List<String> originalOptions,
      String isolatedRoot,
      boolean isolatedReadOnly) {
    public RecordedMount {
      controllers = List.copyOf(controllers);
      originalOptions = List.copyOf(originalOptions);
    }
  }
}
