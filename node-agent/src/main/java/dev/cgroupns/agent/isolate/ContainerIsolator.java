package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.cgroup.Hierarchy;
import dev.cgroupns.agent.inspect.CgroupNamespace;
import dev.cgroupns.agent.inspect.ProcessExitedException;
import dev.cgroupns.agent.inspect.TargetProcess;
import dev.cgroupns.agent.isolate.IsolationOutcome.Result;
import dev.cgroupns.agent.isolate.IsolationPlan.SharedMount;
import dev.cgroupns.agent.isolate.IsolationPlan.Verdict;
import dev.cgroupns.agent.isolate.RevertRecord.RecordedMount;
import dev.cgroupns.agent.kernel.Descriptors;
import dev.cgroupns.agent.kernel.Kernel;
import dev.cgroupns.agent.kernel.Linux;
import dev.cgroupns.agent.kernel.NamespaceThread;
import dev.cgroupns.agent.kernel.NamespaceThreadTimeoutException;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.proc.ProcessVanishedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies the design note's "unshare -C, then remount cgroupfs" to a running container, and undoes
 * it. The public entry points are {@link #isolate}, {@link #revert} and {@link #plan}.
 *
 * <p>Mechanism: in-process system calls on a dedicated, discarded thread ({@link NamespaceThread}),
 * no helper binary, so nothing is ever executed, and nothing resolved by path, inside the
 * container.
 *
 * <p>The new mounts, on cgroup v1 and v2 alike, are clones of the container's own cgroup directory
 * taken from the agent's mounts with open_tree(OPEN_TREE_CLONE), made private and read-only with
 * mount_setattr ({@link DetachedClone}). Each v1 hierarchy and cgroup2 has a single superblock, so
 * this is the same view as a fresh mount made in a cgroup namespace rooted there: that superblock
 * with its root at the same cgroup. No agent thread joins the container's cgroups (a container that
 * controls its freezer could freeze it, and the agent would show up in its cgroup.procs), and no
 * new mount context can change the superblock's options (nsdelegate, memory_recursiveprot).
 *
 * <p>Then the thread unshares CLONE_FS, enters the container's mount namespace, makes shared target
 * mounts (and their parents) slave so nothing propagates to the host, and swaps each mount point:
 * detach the old mount, move the new one there ({@link MountSwapper}). The host's mounts are never
 * touched: the new mounts are detached, and private, until moved into the container's namespace.
 *
 * <p>Before changing anything the revert record is written; a per-container lock keeps two agents
 * from interleaving; the container process is identified by (pid, start time) before, during (a
 * pinned /proc/PID/stat fd) and after.
 */
public final class ContainerIsolator {
  private static final List<Class<?>> PRELOAD = preload();

  private final ProcFs procFs;
  private final CgroupLayout layout;
  private final StateStore store;
  private final int referencePid;
  private final Duration timeout;
  private final IsolationObserver observer;

  /**
   * @param referencePid a process in the host's cgroup namespace (by default the agent itself)
   */
  public ContainerIsolator(
      ProcFs procFs,
      CgroupLayout layout,
      StateStore store,
      int referencePid,
      Duration timeout,
      IsolationObserver observer) {
    this.procFs = procFs;
    this.layout = layout;
    this.store = store;
    this.referencePid = referencePid;
    this.timeout = timeout;
    this.observer = observer;
  }

  /** An isolator comparing namespaces with the agent's own, with a 10 s thread timeout. */
  public static ContainerIsolator create(ProcFs procFs, CgroupLayout layout, StateStore store) {
    return new ContainerIsolator(
        procFs,
        layout,
        store,
        (int) ProcessHandle.current().pid(),
        Duration.ofSeconds(10),
        IsolationObserver.NONE);
  }

  public ContainerIsolator withObserver(IsolationObserver newObserver) {
    return new ContainerIsolator(procFs, layout, store, referencePid, timeout, newObserver);
  }

  /**
   * Reads the container's state (and its revert record, which names mount points an interrupted
   * isolation may have left empty) and decides what isolating it would change. Changes nothing.
   */
  public IsolationPlan plan(ProcessIdentity target, boolean readOnly) {
    TargetProcess.verify(procFs, target);
    Optional<String> notItsOwn = OwnMountNamespace.refusal(procFs, target.pid(), referencePid);
    if (notItsOwn.isPresent()) {
      return new IsolationPlan(
          target, Verdict.REFUSED, List.of(), List.of(), List.of(notItsOwn.get()));
    }
    CgroupNamespace namespace = CgroupNamespace.read(procFs, target.pid(), referencePid);
    // The record first: the mount points it names are read with the mounts on their paths.
    Optional<RevertRecord> record = store.read(target);
    IsolationPlan plan =
        IsolationPlanner.plan(
            target,
            namespace,
            procFs.cgroups(target.pid()).lines(),
            procFs.mountInfo(target.pid(), recordedMountPoints(record)).entries(),
            layout,
            readOnly,
            record);
    TargetProcess.verify(procFs, target);
    return plan;
  }

  /**
   * Isolates a container: replaces its cgroupfs mounts by ones that show only its own subtree, or,
   * in {@link dev.cgroupns.api.v1alpha1.IsolationMode#Audit}, reports what that would change.
   *
   * @throws dev.cgroupns.agent.proc.ProcessVanishedException the container exited, or its PID was
   *     reused; the container is left as it was (or is gone)
   * @throws ContainerBusyException another agent works on it
   * @throws IsolationFailedException a system call failed; see {@link
   *     IsolationFailedException#containerUnchanged()}
   */
  public IsolationOutcome isolate(IsolationRequest request) {
    ProcessIdentity target = request.target();
    boolean readOnly = request.access().readOnly();
    if (request.audit()) {
      return outcome(plan(target, readOnly), true);
    }
    try (StateStore.Lock lock = store.lock(target);
        // Started now so that its start overlaps with planning; it ends unused if nothing changes.
        NamespaceThread.Reserved thread =
            NamespaceThread.reserve("isolate-" + target.pid(), PRELOAD)) {
      IsolationPlan plan = plan(target, readOnly);
      if (plan.verdict() != Verdict.CHANGE) {
        return outcome(plan, false);
      }
      observer.at(IsolationObserver.Step.PLANNED, target);
      Optional<RevertRecord> previous = store.read(target);
      Runnable putRecordBack = () -> restore(target, previous);
      guarded(
          "isolating",
          target,
          () -> {
            store.write(
                RevertRecords.recordFor(
                    target, plan, previous, request.daemonOwner().orElse(null)));
            swapIn(target, thread, plan.sharedMountsToSlave(), isolatedMounts(target, plan));
          },
          putRecordBack,
          putRecordBack);
      verifyStillThere(target);
      verifyApplied(target, plan);
      return outcome(plan, false);
    }
  }

  /**
   * Restores the mounts recorded when the container was isolated.
   *
   * @param audit only report what would be reverted
   */
  public IsolationOutcome revert(ProcessIdentity target, boolean audit) {
    TargetProcess.verify(procFs, target);
    try (StateStore.Lock lock = store.lock(target);
        NamespaceThread.Reserved thread =
            NamespaceThread.reserve("revert-" + target.pid(), PRELOAD)) {
      Optional<RevertRecord> record = store.read(target);
      if (record.isEmpty()) {
        return new IsolationOutcome(target, Result.NOTHING_TO_REVERT, List.of(), List.of());
      }
      Optional<String> notItsOwn = OwnMountNamespace.refusal(procFs, target.pid(), referencePid);
      if (notItsOwn.isPresent()) {
        return new IsolationOutcome(target, Result.REFUSED, List.of(), List.of(notItsOwn.get()));
      }
      List<MountInfoEntry> mounts =
          procFs.mountInfo(target.pid(), recordedMountPoints(record)).entries();
      RevertPlan revertPlan =
          RevertPlan.of(record.get(), IsolationPlanner.visibleCgroupMounts(mounts), layout);
      if (!revertPlan.refusals().isEmpty()) {
        return new IsolationOutcome(target, Result.REFUSED, List.of(), revertPlan.refusals());
      }
      List<String> described = revertPlan.describe();
      if (audit) {
        return new IsolationOutcome(target, Result.WOULD_REVERT, described, List.of());
      }
      guarded(
          "reverting",
          target,
          () -> {
            List<PlannedSwap> swaps = originalMounts(revertPlan, mounts);
            swapIn(target, thread, IsolationPlanner.sharedAround(targetsOf(swaps), mounts), swaps);
          },
          () -> {},
          () -> store.delete(target));
      verifyStillThere(target);
      store.delete(target);
      return new IsolationOutcome(target, Result.REVERTED, described, List.of());
    }
  }

  /**
   * Runs the changing part of an isolation or a revert and turns each way it can fail into the one
   * exception the caller reports, with the revert record left as the failure requires.
   *
   * @param unchanged runs when the failure left every mount as it was
   * @param gone runs when the container exited (or its PID was reused) meanwhile
   */
  private void guarded(
      String doing, ProcessIdentity target, Runnable work, Runnable unchanged, Runnable gone) {
    try {
      work.run();
    } catch (SwapFailedException e) {
      if (e.undoFailures().isEmpty()) {
        unchanged.run();
      }
      TargetProcess.verify(procFs, target);
      throw new IsolationFailedException(
          doing + " " + target + " failed: " + e.getMessage(), e, e.undoFailures());
    } catch (ProcessVanishedException e) {
      gone.run();
      throw e;
    } catch (NamespaceThreadTimeoutException e) {
      throw new IsolationFailedException(
          doing + " " + target + " timed out: " + e.getMessage(),
          e,
          List.of("state unknown; the revert record is kept"));
    } catch (RuntimeException e) {
      unchanged.run();
      TargetProcess.verify(procFs, target);
      throw new IsolationFailedException(
          doing + " " + target + " failed before any mount changed: " + e.getMessage(), e);
    }
  }

  /** A new mount, still detached, for a mount point, and what must be there when it is moved in. */
  private record PlannedSwap(
      String mountPoint, int mountId, String sourceDirectory, int attributes) {}

  private List<PlannedSwap> isolatedMounts(ProcessIdentity target, IsolationPlan plan) {
    List<PlannedSwap> swaps = new ArrayList<>();
    for (MountChange change : plan.changes()) {
      swaps.add(
          new PlannedSwap(
              change.mountPoint(),
              change.mountId(),
              layout.directoryOf(change.hierarchy(), change.targetRoot()).toString(),
              MountAttributes.isolated(change.targetReadOnly())));
    }
    return swaps;
  }

  private static List<PlannedSwap> originalMounts(
      RevertPlan revertPlan, List<MountInfoEntry> mounts) {
    List<PlannedSwap> swaps = new ArrayList<>();
    for (RevertPlan.Step step : revertPlan.steps()) {
      swaps.add(
          new PlannedSwap(
              step.recorded().mountPoint(),
              step.currentMountId(),
              step.originalDirectory().toString(),
              MountAttributes.fromOptions(step.recorded().originalOptions())));
    }
    return swaps;
  }

  private static List<SharedMount> targetsOf(List<PlannedSwap> swaps) {
    return swaps.stream().map(s -> new SharedMount(s.mountId(), s.mountPoint())).toList();
  }

  /**
   * The one way the agent changes a container's mounts, for isolation and revert alike:
   *
   * <ol>
   *   <li>open the container's mount namespace and a pinned /proc/PID/stat, and check they are the
   *       target's;
   *   <li>clone each source directory from the agent's own cgroup mounts ({@link DetachedClone}):
   *       detached, private, with the wanted flags;
   *   <li>note, per mount point, the mount its parent directory lies on now;
   *   <li>on the dedicated thread: enter the mount namespace, make the shared mounts around the
   *       mount points slave, swap every mount point ({@link MountSwapper}).
   * </ol>
   *
   * <p>Every fd belongs to the thread's {@link Descriptors}, which the thread closes when it ends:
   * a caller that gave up waiting never closes an fd the thread may still use.
   */
  private void swapIn(
      ProcessIdentity target,
      NamespaceThread.Reserved thread,
      List<SharedMount> shared,
      List<PlannedSwap> planned) {
    Descriptors fds = thread.descriptors();
    int mountNs = fds.keep(TargetProcess.open(procFs, target, "ns/mnt"));
    int stat = fds.keep(TargetProcess.open(procFs, target, "stat"));
    // Where the thread goes back to: a JVM crash report (or core) is written to the crashing
    // thread's cwd, which must never be one of the container's directories.
    int hostDir = fds.keep(Kernel.open("/", Linux.O_PATH | Linux.O_DIRECTORY));
    TargetProcess.verify(procFs, target); // the fds are the target's
    List<MountInfoEntry> mounts =
        procFs
            .mountInfo(target.pid(), planned.stream().map(PlannedSwap::mountPoint).toList())
            .entries();
    List<MountSwapper.Swap> swaps = new ArrayList<>();
    for (PlannedSwap p : planned) {
      int newMount = fds.keep(DetachedClone.of(p.sourceDirectory(), p.attributes()));
      swaps.add(
          new MountSwapper.Swap(
              p.mountPoint(),
              p.mountId(),
              IsolationPlanner.parentMountId(p.mountPoint(), mounts),
              newMount));
    }
    observer.at(IsolationObserver.Step.BEFORE_NAMESPACE_SWITCH, target);
    thread.run(
        timeout,
        () -> {
          thread.requireInTime();
          Kernel.setns(mountNs, Linux.CLONE_NEWNS);
          if (!Kernel.processAlive(stat)) {
            throw new ProcessExitedException(target);
          }
          thread.requireInTime(); // nothing in the container is changed before this point
          try {
            MountSwapper.makeSlave(shared);
            MountSwapper.swapAll(swaps, stat);
          } finally {
            Kernel.fchdir(hostDir); // swapAll's fchdir left it in the container
          }
          return null;
        });
  }

  /**
   * Reads the container's mounts once more: every changed mount point must now show the target root
   * with the requested access. Cheaper than planning again, and enough to catch a mount that did
   * not end up where it should.
   */
  private void verifyApplied(ProcessIdentity target, IsolationPlan plan) {
    List<MountInfoEntry> now = currentMounts(target);
    List<String> wrong = new ArrayList<>();
    for (MountChange change : plan.changes()) {
      boolean ok =
          now.stream()
              .anyMatch(
                  m ->
                      m.mountPoint().equals(change.mountPoint())
                          && m.root().equals(change.targetRoot())
                          && m.readOnly() == change.targetReadOnly()
                          && m.isCgroupV2() == change.v2());
      if (!ok) {
        wrong.add(change.mountPoint());
      }
    }
    if (!wrong.isEmpty()) {
      throw new IsolationFailedException(
          "mounts of " + target + " were replaced but do not show the expected view",
          null,
          wrong.stream().map(m -> m + " (run revert to restore the original mounts)").toList());
    }
  }

  private List<MountInfoEntry> currentMounts(ProcessIdentity target) {
    return IsolationPlanner.visibleCgroupMounts(procFs.mountInfo(target.pid()).entries());
  }

  /** The mount points a revert record names, which the mountinfo read must keep. */
  private static List<String> recordedMountPoints(Optional<RevertRecord> record) {
    return record
        .map(r -> r.mounts().stream().map(RecordedMount::mountPoint).toList())
        .orElse(List.of());
  }

  private void verifyStillThere(ProcessIdentity target) {
    try {
      TargetProcess.verify(procFs, target);
    } catch (ProcessVanishedException e) {
      store.delete(target);
      throw e;
    }
  }

  /** Puts the record back as it was before this attempt. */
  private void restore(ProcessIdentity target, Optional<RevertRecord> previous) {
    if (previous.isPresent()) {
      store.write(previous.get());
    } else {
      store.delete(target);
    }
  }

  private static IsolationOutcome outcome(IsolationPlan plan, boolean audit) {
    List<String> changes = plan.changes().stream().map(MountChange::describe).toList();
    Result result =
        switch (plan.verdict()) {
          case CHANGE -> audit ? Result.WOULD_CHANGE : Result.ISOLATED;
          case ALREADY_ISOLATED -> Result.ALREADY_ISOLATED;
          case NO_CGROUP_MOUNTS -> Result.NO_CGROUP_MOUNTS;
          case ALREADY_PRIVATE -> Result.ALREADY_PRIVATE;
          case REFUSED -> Result.REFUSED;
        };
    List<String> notes = new ArrayList<>(plan.notes());
    plan.sharedMountsToSlave()
        .forEach(s -> notes.add(s.mountPoint() + " is shared; made slave first"));
    return new IsolationOutcome(plan.process(), result, changes, notes);
  }

  private static List<Class<?>> preload() {
    List<Class<?>> classes = new ArrayList<>(MountSwapper.PRELOAD);
    classes.add(ProcessExitedException.class);
    classes.add(ProcessVanishedException.class);
    classes.add(MountChange.class);
    classes.add(Hierarchy.class);
    return List.copyOf(classes);
  }
}
