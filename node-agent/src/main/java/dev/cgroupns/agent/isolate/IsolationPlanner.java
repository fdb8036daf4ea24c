package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.cgroup.CgroupPathSyntax;
import dev.cgroupns.agent.cgroup.Hierarchy;
import dev.cgroupns.agent.inspect.CgroupNamespace;
import dev.cgroupns.agent.inspect.CgroupRelation;
import dev.cgroupns.agent.inspect.ViewAnalyzer;
import dev.cgroupns.agent.isolate.IsolationPlan.SharedMount;
import dev.cgroupns.agent.isolate.IsolationPlan.Verdict;
import dev.cgroupns.agent.isolate.RevertRecord.RecordedMount;
import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.ProcessIdentity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, without touching the kernel, which cgroupfs mounts of a container to replace and with
 * what. Inputs are what the agent read: the container's /proc/PID/cgroup and /proc/PID/mountinfo
 * (both rendered for the agent's cgroup namespace, so roots and own cgroups compare directly), and
 * the agent's own hierarchy mounts.
 *
 * <p>Of the mountinfo, the planner consults the cgroupfs mounts, the mounts at their mount points
 * and on the paths to them, their parent mounts, and the same for a revert record's mount points:
 * exactly what {@link dev.cgroupns.agent.proc.ProcFs#mountInfo} keeps of a table of any size. A new
 * lookup here must be kept there too.
 */
public final class IsolationPlanner {
  private IsolationPlanner() {}

  /** A plan for a container the agent has no revert record of. */
  public static IsolationPlan plan(
      ProcessIdentity process,
      CgroupNamespace namespace,
      List<CgroupLine> containerCgroups,
      List<MountInfoEntry> containerMounts,
      CgroupLayout layout,
      boolean readOnly) {
    return plan(
        process, namespace, containerCgroups, containerMounts, layout, readOnly, Optional.empty());
  }

  /**
   * @param namespace whose cgroup namespace the container is in; unknown is refused rather than
   *     guessed
   * @param record the container's revert record, if an earlier isolation wrote one: a recorded
   *     mount point with nothing mounted on it now was emptied by an isolation that was killed
   *     half-way, and gets its isolated mount
   */
  public static IsolationPlan plan(
      ProcessIdentity process,
      CgroupNamespace namespace,
      List<CgroupLine> containerCgroups,
      List<MountInfoEntry> containerMounts,
      CgroupLayout layout,
      boolean readOnly,
      Optional<RevertRecord> record) {
    if (namespace == CgroupNamespace.UNKNOWN) {
      return refused(process, "cannot tell whether its cgroup namespace is private");
    }
    if (namespace == CgroupNamespace.PRIVATE) {
      return new IsolationPlan(
          process,
          Verdict.ALREADY_PRIVATE,
          List.of(),
          List.of(),
          List.of("its runtime gave it a private cgroup namespace; left alone"));
    }
    List<MountInfoEntry> visible = visibleCgroupMounts(containerMounts);
    List<RecordedMount> lost = lostMountPoints(record, containerMounts);
    if (visible.isEmpty() && lost.isEmpty()) {
      return new IsolationPlan(
          process, Verdict.NO_CGROUP_MOUNTS, List.of(), List.of(), List.of("no cgroupfs mounts"));
    }
    List<MountChange> changes = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (MountInfoEntry mount : visible) {
      Optional<CgroupLine> own = ViewAnalyzer.ownLine(mount, containerCgroups);
      if (own.isEmpty()) {
        return refused(
            process, mount.mountPoint() + ": the container has no cgroup in its hierarchy");
      }
      Optional<Hierarchy> hierarchy = layout.forLine(own.get());
      if (hierarchy.isEmpty()) {
        return refused(
            process,
            mount.mountPoint()
                + ": hierarchy "
                + ViewAnalyzer.hierarchyName(mount)
                + " is not mounted where the agent can reach it");
      }
      if (mount.mountPoint().equals("/") || !mount.mountPoint().startsWith("/")) {
        return refused(process, "cgroupfs mounted at " + mount.mountPoint() + "; not touched");
      }
      if (!CgroupPathSyntax.isPlainAscii(mount.mountPoint())
          || !CgroupPathSyntax.isPlainAscii(mount.root())) {
        // Decoded from bytes and encoded again on the way to the kernel, such a path could name
        // another mount point; refused whole rather than half-isolated.
        return refused(
            process,
            "a cgroupfs mount point or root is not plain ASCII ("
                + CgroupPathSyntax.quote(mount.mountPoint())
                + "); the agent never re-encodes paths, so nothing is touched");
      }
      CgroupRelation relation;
      try {
        relation = CgroupRelation.of(mount.root(), own.get().path());
      } catch (IllegalArgumentException e) {
        return refused(process, mount.mountPoint() + ": unreadable root " + mount.root());
      }
      Optional<String> reason = reasonToChange(relation, mount.readOnly(), readOnly);
      if (relation == CgroupRelation.NARROWER) {
        notes.add(mount.mountPoint() + " shows part of its own subtree only; left as is");
      } else if (reason.isPresent()) {
        changes.add(
            new MountChange(
                mount.mountId(),
                mount.mountPoint(),
                hierarchy.get(),
                mount.root(),
                mount.mountOptions(),
                own.get().path(),
                readOnly,
                reason.get()));
      }
    }
    for (RecordedMount mount : lost) {
      Optional<Hierarchy> hierarchy = RevertPlan.hierarchyOf(mount, layout);
      Optional<CgroupLine> own =
          containerCgroups.stream()
              .filter(line -> hierarchy.isPresent() && layout.forLine(line).equals(hierarchy))
              .findFirst();
      if (own.isEmpty()) {
        return refused(
            process, mount.mountPoint() + ": emptied earlier, and its hierarchy is not found");
      }
      changes.add(
          new MountChange(
              MountChange.NOTHING_MOUNTED,
              mount.mountPoint(),
              hierarchy.get(),
              mount.originalRoot(),
              mount.originalOptions(),
              own.get().path(),
              readOnly,
              "nothing mounted there since an isolation was interrupted"));
    }
    if (changes.isEmpty()) {
      return new IsolationPlan(process, Verdict.ALREADY_ISOLATED, List.of(), List.of(), notes);
    }
    return new IsolationPlan(
        process, Verdict.CHANGE, changes, sharedToSlave(changes, containerMounts), notes);
  }

  private static Optional<String> reasonToChange(
      CgroupRelation relation, boolean isReadOnly, boolean wantReadOnly) {
    String access = isReadOnly == wantReadOnly ? null : (isReadOnly ? "read-only" : "writable");
    return switch (relation) {
      case WIDER -> Optional.of("shows more than its own subtree");
      case ELSEWHERE -> Optional.of("shows cgroups other than its own");
      case OWN_SUBTREE, NARROWER -> Optional.ofNullable(access);
    };
  }

  /**
   * The cgroupfs mounts a process in the container can reach: a mount that another mount at the
   * same mount point covers is hidden and left alone.
   */
  static List<MountInfoEntry> visibleCgroupMounts(List<MountInfoEntry> mounts) {
    Set<String> coveringKeys = new HashSet<>();
    for (MountInfoEntry mount : mounts) {
      coveringKeys.add(mount.parentId() + "\0" + mount.mountPoint());
    }
    Map<String, MountInfoEntry> topByMountPoint = new LinkedHashMap<>();
    for (MountInfoEntry mount : mounts) {
      if (!coveringKeys.contains(mount.mountId() + "\0" + mount.mountPoint())) {
        topByMountPoint.put(mount.mountPoint(), mount);
      }
    }
    return topByMountPoint.values().stream().filter(MountInfoEntry::isCgroup).toList();
  }

  /** Recorded mount points where nothing at all is mounted now. */
  static List<RecordedMount> lostMountPoints(
      Optional<RevertRecord> record, List<MountInfoEntry> mounts) {
    if (record.isEmpty()) {
      return List.of();
    }
    Set<String> mounted = new HashSet<>();
    mounts.forEach(m -> mounted.add(m.mountPoint()));
    return record.get().mounts().stream().filter(m -> !mounted.contains(m.mountPoint())).toList();
  }

  /**
   * The ID of the mount the parent directory of {@code mountPoint} lies on, or -1 if none is listed
   * (then no mount there can match, and the swap is refused).
   */
  static long parentMountId(String mountPoint, List<MountInfoEntry> mounts) {
    return mountHolding(mountPoint, mounts).map(m -> (long) m.mountId()).orElse(-1L);
  }

  /** The mount a path lies on: the last listed one whose mount point contains it. */
  private static Optional<MountInfoEntry> mountHolding(String path, List<MountInfoEntry> mounts) {
    MountInfoEntry holder = null;
    for (MountInfoEntry m : mounts) {
      String prefix = m.mountPoint().endsWith("/") ? m.mountPoint() : m.mountPoint() + "/";
      boolean contains = path.startsWith(prefix) && !path.equals(m.mountPoint());
      if (contains && (holder == null || m.mountPoint().length() >= holder.mountPoint().length())) {
        holder = m;
      }
    }
    return Optional.ofNullable(holder);
  }

  private static List<SharedMount> sharedToSlave(
      List<MountChange> changes, List<MountInfoEntry> mounts) {
    return sharedAround(
        changes.stream().map(c -> new SharedMount(c.mountId(), c.mountPoint())).toList(), mounts);
  }

  /**
   * Of the given mount points (each with the ID of the mount there now, or {@link
   * MountChange#NOTHING_MOUNTED}), those whose mount or parent is shared, each once, parents first.
   * A mount moved onto a shared mount would propagate to its peers, the host among them.
   */
  static List<SharedMount> sharedAround(List<SharedMount> targets, List<MountInfoEntry> mounts) {
    Map<Integer, MountInfoEntry> byId = new LinkedHashMap<>();
    mounts.forEach(m -> byId.put(m.mountId(), m));
    Map<Integer, SharedMount> result = new LinkedHashMap<>();
    for (SharedMount target : targets) {
      if (target.mountId() == MountChange.NOTHING_MOUNTED) {
        mountHolding(target.mountPoint(), mounts)
            .filter(MountInfoEntry::isShared)
            .ifPresent(
                p -> result.putIfAbsent(p.mountId(), new SharedMount(p.mountId(), p.mountPoint())));
        continue;
      }
      MountInfoEntry now = byId.get(target.mountId());
      if (now == null) {
        continue; // gone since: the swap's mount ID check refuses it
      }
      MountInfoEntry parent = byId.get(now.parentId());
      if (parent != null && parent.isShared()) {
        result.putIfAbsent(
            parent.mountId(), new SharedMount(parent.mountId(), parent.mountPoint()));
      }
      if (now.isShared()) {
        result.putIfAbsent(now.mountId(), new SharedMount(now.mountId(), now.mountPoint()));
      }
    }
    return List.copyOf(result.values());
  }

  private static IsolationPlan refused(ProcessIdentity process, String why) {
    return new IsolationPlan(process, Verdict.REFUSED, List.of(), List.of(), List.of(why));
  }
}
