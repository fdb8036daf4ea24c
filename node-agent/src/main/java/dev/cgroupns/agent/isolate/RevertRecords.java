package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.isolate.RevertRecord.RecordedMount;
import dev.cgroupns.agent.proc.ProcessIdentity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Pure: the revert record an isolation writes before it changes anything. */
public final class RevertRecords {
  private RevertRecords() {}

  /**
   * The record to write before changing anything. Mount points already recorded keep their original
   * entry: a second isolation must not forget what the runtime made.
   */
  public static RevertRecord recordFor(
      ProcessIdentity target, IsolationPlan plan, Optional<RevertRecord> previous) {
    return recordFor(target, plan, previous, null);
  }

  /**
   * The record to write, with its owner. A record the CLI wrote first stays owner-less: the daemon
   * must never revert on its own what a person isolated by hand. The CLI (null owner) keeps the
   * daemon's owner; the daemon's latest owner replaces an earlier one.
   */
  public static RevertRecord recordFor(
      ProcessIdentity target,
      IsolationPlan plan,
      Optional<RevertRecord> previous,
      RecordOwner owner) {
    Map<String, RecordedMount> byMountPoint = new LinkedHashMap<>();
    previous.ifPresent(r -> r.mounts().forEach(m -> byMountPoint.put(m.mountPoint(), m)));
    for (MountChange change : plan.changes()) {
      RecordedMount earlier = byMountPoint.get(change.mountPoint());
      byMountPoint.put(
          change.mountPoint(),
          new RecordedMount(
              change.mountPoint(),
              change.v2(),
              change.hierarchy().controllers().stream().sorted().toList(),
              earlier == null ? change.currentRoot() : earlier.originalRoot(),
              earlier == null ? change.currentOptions() : earlier.originalOptions(),
              change.targetRoot(),
              change.targetReadOnly()));
    }
    String createdAt = previous.map(RevertRecord::createdAt).orElse(Instant.now().toString());
    RecordOwner recordOwner;
    if (previous.isEmpty()) {
      recordOwner = owner;
    } else if (previous.get().owner() == null) {
      recordOwner = null; // the CLI's (or written before owners existed): never adopted
    } else {
      recordOwner = owner == null ? previous.get().owner() : owner;
    }
    return new RevertRecord(
        target.pid(),
        target.startTime(),
        createdAt,
        List.copyOf(byMountPoint.values()),
        recordOwner);
  }
}
