package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.cgroup.Hierarchy;
import dev.cgroupns.agent.inspect.ProcessExitedException;
import dev.cgroupns.agent.inspect.TargetProcess;
import dev.cgroupns.agent.isolate.IsolationOutcome.Result;
import dev.cgroupns.agent.isolate.IsolationPlan.SharedMount;
import dev.cgroupns.agent.isolate.IsolationPlan.Verdict;
import dev.cgroupns.agent.isolate.RevertRecord.RecordedMount;
import dev.cgroupns.agent.kernel.Kernel;
import dev.cgroupns.agent.kernel.Linux;
import dev.cgroupns.agent.kernel.NamespaceThread;
import dev.cgroupns.agent.kernel.NamespaceThreadTimeoutException;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.proc.ProcessVanishedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Applies the design note's "unshare -C, then remount cgroupfs" to a running container, and undoes
 * it. The public entry points are {@link #isolate}, {@link #revert} and {@link #plan}.
 *
 * <p>Mechanism: in-process system calls on a dedicated, discarded thread ({@link NamespaceThread}),
 * no helper binary, so nothing is ever executed, and nothing resolved by path, inside the
 * container.
 *
 * <ul>
 *   <li><b>cgroup v1</b>, as the design note does it: the thread joins the container's cgroup in
 *       each hierarchy to replace by writing "0" (itself) to that cgroup's {@code tasks} file,
 *       unshares a new cgroup namespace (so it is rooted there), and makes FRESH cgroup mounts with
 *       fsopen/fsconfig/fsmount while still in the host's mount namespace. v1 lets a single thread
 *       move, so the rest of the JVM stays where it is. Writing "0" rather than the thread's TID
 *       also spares the kernel a global lock (and an RCU grace period) per hierarchy. {@link
 *       V1MountSource#CLONE} uses the v2 technique below for v1 too, on request.
 *   <li><b>cgroup v2</b>: a thread cannot join a v2 cgroup alone ({@code cgroup.procs} moves the
 *       whole JVM; {@code cgroup.threads} works only in threaded subtrees). The agent clones the
 *       container's cgroup directory from its own cgroup2 mount with open_tree(OPEN_TREE_CLONE) and
 *       makes the clone read-only with mount_setattr. That gives the same view as a fresh mount
 *       from a namespace rooted there: cgroup2 has one superblock, a fresh mount in a cgroup
 *       namespace is that superblock with its root at the namespace root, and the clone is that
 *       superblock with its root at the same cgroup. It also cannot change the superblock's options
 *       (nsdelegate, memory_recursiveprot) that a new mount context could.
 * </ul>
 *
 * <p>Then the thread unshares CLONE_FS, enters the container's mount namespace, makes shared target
 * mounts (and their parents) slave so nothing propagates to the host, and swaps each mount point:
 * detach the old mount, move the new one there ({@link MountSwapper}). The host's mounts are never
 * touched: the new mounts are detached until moved into the container's namespace.
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
  private final V1MountSource v1MountSource;

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
    this(procFs, layout, store, referencePid, timeout, observer, V1MountSource.FRESH);
  }

  private ContainerIsolator(
      ProcFs procFs,
      CgroupLayout layout,
      StateStore store,
      int referencePid,
      Duration timeout,
      IsolationObserver observer,
      V1MountSource v1MountSource) {
    this.procFs = procFs;
    this.layout = layout;
    this.store = store;
    this.referencePid = referencePid;
    this.timeout = timeout;
    this.observer = observer;
    this.v1MountSource = v1MountSource;
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
    return new ContainerIsolator(
        procFs, layout, store, referencePid, timeout, newObserver, v1MountSource);
  }

  /** The same isolator making v1 mounts the given way ({@link V1MountSource#FRESH} by default). */
  public ContainerIsolator withV1MountSource(V1MountSource source) {
    return new ContainerIsolator(procFs, layout, store, referencePid, timeout, observer, source);
  }

  /**
   * Reads the container's state (and its revert record, which names mount points an interrupted
   * isolation may have left empty) and decides what isolating it would change. Changes nothing.
   */
  public IsolationPlan plan(ProcessIdentity target, boolean readOnly) {
    TargetProcess.verify(procFs, target);
    Boolean privateNamespace = privateNamespace(target);
    IsolationPlan plan =
        IsolationPlanner.plan(
            target,
            privateNamespace,
            procFs.cgroups(target.pid()).lines(),
            procFs.mountInfo(target.pid()).entries(),
            layout,
            readOnly,
            store.read(target));
    TargetProcess.verify(procFs, target);
    return plan;
  }

  /**
   * Isolates a container: replaces its cgroupfs mounts by ones that show only its own subtree.
   *
   * @param readOnly make the new mounts read-only (the default everywhere)
   * @param audit only report what would change
   * @throws dev.cgroupns.agent.proc.ProcessVanishedException the container exited, or its PID was
   *     reused; the container is left as it was (or is gone)
   * @throws ContainerBusyException another agent works on it
   * @throws IsolationFailedException a system call failed; see {@link
   *     IsolationFailedException#containerUnchanged()}
   */
  public IsolationOutcome isolate(ProcessIdentity target, boolean readOnly, boolean audit) {
    return isolate(target, readOnly, audit, null);
  }

  /**
   * Isolates a container as {@link #isolate(ProcessIdentity, boolean, boolean)} does, writing
   * {@code owner} into its revert record.
   *
   * @param owner what the daemon isolates it for; null for the CLI
   */
  public IsolationOutcome isolate(
      ProcessIdentity target, boolean readOnly, boolean audit, RecordOwner owner) {
    if (audit) {
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
      try {
        apply(target, plan, thread, () -> store.write(recordFor(target, plan, previous, owner)));
      } catch (SwapFailedException e) {
        if (e.undoFailures().isEmpty()) {
          restore(target, previous);
        }
        TargetProcess.verify(procFs, target);
        throw new IsolationFailedException(
            "isolating " + target + " failed: " + e.getMessage(), e, e.undoFailures());
      } catch (ProcessVanishedException e) {
        restore(target, previous);
        throw e;
      } catch (NamespaceThreadTimeoutException e) {
        throw new IsolationFailedException(
            "isolating " + target + " timed out: " + e.getMessage(),
            e,
            List.of("state unknown; the revert record is kept"));
      } catch (RuntimeException e) {
        restore(target, previous);
        TargetProcess.verify(procFs, target);
        throw new IsolationFailedException(
            "isolating " + target + " failed before any mount changed: " + e.getMessage(), e);
      }
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
      RevertPlan revertPlan = RevertPlan.of(record.get(), currentMounts(target), layout);
      if (!revertPlan.refusals().isEmpty()) {
        return new IsolationOutcome(target, Result.REFUSED, List.of(), revertPlan.refusals());
      }
      List<String> described = revertPlan.describe();
      if (audit) {
        return new IsolationOutcome(target, Result.WOULD_REVERT, described, List.of());
      }
      try {
        applyRevert(target, revertPlan, thread);
      } catch (SwapFailedException e) {
        TargetProcess.verify(procFs, target);
        throw new IsolationFailedException(
            "reverting " + target + " failed: " + e.getMessage(), e, e.undoFailures());
      } catch (ProcessVanishedException e) {
        store.delete(target);
        throw e;
      } catch (NamespaceThreadTimeoutException e) {
        throw new IsolationFailedException(
            "reverting " + target + " timed out: " + e.getMessage(),
            e,
            List.of("state unknown; the revert record is kept"));
      } catch (RuntimeException e) {
        TargetProcess.verify(procFs, target);
        throw new IsolationFailedException(
            "reverting " + target + " failed before any mount changed: " + e.getMessage(), e);
      }
      verifyStillThere(target);
      store.delete(target);
      return new IsolationOutcome(target, Result.REVERTED, described, List.of());
    }
  }

  /**
   * Replaces the planned mounts. The dedicated thread starts on the v1 part (join the container's
   * cgroups, unshare a cgroup namespace, make the fresh mounts: nothing the container can see)
   * while this thread writes the revert record and opens the fds; only then is the thread let into
   * the container's mount namespace.
   *
   * @param writeRecord runs before the container can be changed
   */
  private void apply(
      ProcessIdentity target,
      IsolationPlan plan,
      NamespaceThread.Reserved thread,
      Runnable writeRecord) {
    List<MountChange> changes = plan.changes();
    int[] newMounts = new int[changes.size()];
    Arrays.fill(newMounts, -1);
    int[] targetFds = {-1, -1}; // mount namespace, /proc/PID/stat
    List<Integer> tasksFds = new ArrayList<>();
    List<List<String[]>> v1Options = new ArrayList<>();
    List<Integer> v1Indexes = new ArrayList<>();
    CompletableFuture<Boolean> go = new CompletableFuture<>();
    boolean submitted = false;
    try {
      Map<Integer, Hierarchy> joined = new LinkedHashMap<>();
      for (int i = 0; i < changes.size(); i++) {
        MountChange change = changes.get(i);
        if (!cloned(change)) {
          Path dir = layout.directoryOf(change.hierarchy(), change.targetRoot());
          if (joined.putIfAbsent(change.hierarchy().hierarchyId(), change.hierarchy()) == null) {
            requireThawed(change.hierarchy(), dir);
            tasksFds.add(Kernel.open(dir.resolve("tasks").toString(), Linux.O_WRONLY));
          }
          v1Options.add(FreshCgroupMount.options(change.hierarchy()));
          v1Indexes.add(i);
        }
      }
      List<String> slavePoints = new ArrayList<>();
      List<Long> slaveIds = new ArrayList<>();
      for (SharedMount shared : plan.sharedMountsToSlave()) {
        slavePoints.add(shared.mountPoint());
        slaveIds.add((long) shared.mountId());
      }
      thread.submit(
          () -> {
            if (!v1Indexes.isEmpty()) {
              for (int fd : tasksFds) {
                Kernel.writeString(fd, "0", "tasks of the container's cgroup");
              }
              Kernel.unshare(Linux.CLONE_NEWCGROUP);
              for (int k = 0; k < v1Indexes.size(); k++) {
                MountChange change = changes.get(v1Indexes.get(k));
                newMounts[v1Indexes.get(k)] =
                    FreshCgroupMount.create(
                        v1Options.get(k),
                        MountAttributes.isolated(change.targetReadOnly()),
                        change.mountPoint());
              }
            }
            if (!go.get()) {
              return null; // the caller gave up before the switch: nothing was changed
            }
            List<MountSwapper.Swap> swaps = new ArrayList<>();
            for (int i = 0; i < changes.size(); i++) {
              swaps.add(
                  new MountSwapper.Swap(
                      changes.get(i).mountPoint(), changes.get(i).mountId(), newMounts[i]));
            }
            Kernel.setns(targetFds[0], Linux.CLONE_NEWNS);
            if (!Kernel.processAlive(targetFds[1])) {
              throw new ProcessExitedException(target);
            }
            MountSwapper.makeSlave(slavePoints, slaveIds);
            MountSwapper.swapAll(swaps, targetFds[1]);
            return null;
          });
      submitted = true;
      writeRecord.run();
      targetFds[0] = TargetProcess.open(procFs, target, "ns/mnt");
      targetFds[1] = TargetProcess.open(procFs, target, "stat");
      TargetProcess.verify(procFs, target); // the fds are the target's
      for (int i = 0; i < changes.size(); i++) {
        MountChange change = changes.get(i);
        if (cloned(change)) {
          String dir = layout.directoryOf(change.hierarchy(), change.targetRoot()).toString();
          newMounts[i] = Kernel.openTreeClone(Linux.AT_FDCWD, dir, dir);
          Kernel.mountSetattr(
              newMounts[i],
              MountAttributes.isolated(change.targetReadOnly()),
              MountAttributes.ALL,
              0,
              dir);
        }
      }
      observer.at(IsolationObserver.Step.BEFORE_NAMESPACE_SWITCH, target);
      go.complete(true);
      thread.await(timeout);
    } catch (RuntimeException e) {
      go.complete(false);
      if (submitted) {
        awaitQuietly(thread); // its own failure, if any, is the same story told later
      }
      throw e;
    } finally {
      go.complete(false);
      if (!submitted || thread.finished()) {
        // Only when the thread is gone: an abandoned thread could still use these fd numbers.
        for (int fd : newMounts) {
          Kernel.close(fd);
        }
        for (int fd : tasksFds) {
          Kernel.close(fd);
        }
        Kernel.close(targetFds[1]);
        Kernel.close(targetFds[0]);
      }
    }
  }

  /** Whether the new mount is a clone of the container's directory (else a fresh v1 mount). */
  private boolean cloned(MountChange change) {
    return change.v2() || v1MountSource == V1MountSource.CLONE;
  }

  /** Waits for a thread that was told to stop, keeping the caller's own exception. */
  private void awaitQuietly(NamespaceThread.Reserved thread) {
    try {
      thread.await(timeout);
    } catch (RuntimeException ignored) {
      // the caller's exception is reported instead
    }
  }

  private void applyRevert(
      ProcessIdentity target, RevertPlan revertPlan, NamespaceThread.Reserved thread) {
    List<RevertPlan.Step> steps = revertPlan.steps();
    int[] restored = new int[steps.size()];
    Arrays.fill(restored, -1);
    int mountNs = -1;
    int stat = -1;
    try {
      mountNs = TargetProcess.open(procFs, target, "ns/mnt");
      stat = TargetProcess.open(procFs, target, "stat");
      TargetProcess.verify(procFs, target);
      List<MountSwapper.Swap> swaps = new ArrayList<>();
      for (int i = 0; i < steps.size(); i++) {
        RevertPlan.Step step = steps.get(i);
        String dir = step.originalDirectory().toString();
        restored[i] = Kernel.openTreeClone(Linux.AT_FDCWD, dir, dir);
        Kernel.mountSetattr(
            restored[i],
            MountAttributes.fromOptions(step.recorded().originalOptions()),
            MountAttributes.ALL,
            0,
            dir);
        swaps.add(
            new MountSwapper.Swap(
                step.recorded().mountPoint(), step.currentMountId(), restored[i]));
      }
      observer.at(IsolationObserver.Step.BEFORE_NAMESPACE_SWITCH, target);
      int ns = mountNs;
      int statFd = stat;
      thread.run(
          timeout,
          () -> {
            Kernel.setns(ns, Linux.CLONE_NEWNS);
            if (!Kernel.processAlive(statFd)) {
              throw new ProcessExitedException(target);
            }
            MountSwapper.swapAll(swaps, statFd);
            return null;
          });
    } finally {
      if (thread.finished()) { // an abandoned thread could still use these fd numbers
        for (int fd : restored) {
          Kernel.close(fd);
        }
        Kernel.close(stat);
        Kernel.close(mountNs);
      }
    }
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

  /**
   * Joining a frozen v1 freezer cgroup would freeze the agent's thread with it. Refuse instead. (A
   * container frozen right after this check still blocks the thread; the timeout reports it.)
   */
  private static void requireThawed(Hierarchy hierarchy, Path dir) {
    if (!hierarchy.controllers().contains("freezer")) {
      return;
    }
    try {
      String state = Files.readString(dir.resolve("freezer.state")).trim();
      if (!state.equals("THAWED")) {
        throw new IllegalStateException("the container is " + state + " (freezer); not touched");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the container's freezer state", e);
    }
  }

  private List<MountInfoEntry> currentMounts(ProcessIdentity target) {
    return IsolationPlanner.visibleCgroupMounts(procFs.mountInfo(target.pid()).entries());
  }

  private Boolean privateNamespace(ProcessIdentity target) {
    Optional<Long> own = procFs.namespaceInode(target.pid(), "cgroup");
    Optional<Long> reference = procFs.namespaceInode(referencePid, "cgroup");
    if (own.isEmpty() || reference.isEmpty()) {
      return null;
    }
    return !own.get().equals(reference.get());
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
    classes.add(FreshCgroupMount.class);
    classes.add(ProcessExitedException.class);
    classes.add(ProcessVanishedException.class);
    classes.add(MountChange.class);
    classes.add(Hierarchy.class);
    return List.copyOf(classes);
  }
}
