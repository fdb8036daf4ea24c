package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.kernel.Kernel;
import dev.cgroupns.agent.kernel.Linux;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces mounts inside the mount namespace the calling thread has entered, all or nothing.
 *
 * <p>Runs after setns, so it only makes system calls on fds and on paths resolved without following
 * symbolic links: the container controls its rootfs and could otherwise redirect a mount point.
 * Each mount point is reached through its parent directory, opened with openat2
 * (RESOLVE_NO_SYMLINKS), and the mount found there must still carry the mount ID the plan was made
 * for. The old mount is cloned before it is detached, so a failure half-way puts every replaced
 * mount point back as it was.
 *
 * <p>Uses no class that is not loaded before the switch (see {@link #PRELOAD}).
 */
final class MountSwapper {
  /** Classes this code uses after the thread entered the container's mount namespace. */
  static final List<Class<?>> PRELOAD =
      List.of(
          MountSwapper.class,
          Swap.class,
          SwapFailedException.class,
          Kernel.class,
          IsolationPlan.SharedMount.class);

  private MountSwapper() {}

  /**
   * One mount point to replace.
   *
   * @param mountPoint absolute, inside the container
   * @param expectedMountId the ID of the mount that must be there now, or {@link
   *     MountChange#NOTHING_MOUNTED} when the mount point must be empty (then nothing is detached)
   * @param expectedParentMountId the ID of the mount the mount point's parent directory must lie on
   *     (the plan's view of where the new mount will be attached)
   * @param newMountFd a detached, private mount ({@link DetachedClone}) to put there
   */
  record Swap(String mountPoint, long expectedMountId, long expectedParentMountId, int newMountFd) {
    String parent() {
      int slash = mountPoint.lastIndexOf('/');
      return slash == 0 ? "/" : mountPoint.substring(0, slash);
    }

    String name() {
      return mountPoint.substring(mountPoint.lastIndexOf('/') + 1);
    }
  }

  /** Makes each given mount a slave (it still receives from its master; sends nothing). */
  static void makeSlave(List<IsolationPlan.SharedMount> mounts) {
    for (IsolationPlan.SharedMount shared : mounts) {
      int fd = Kernel.openNoSymlinks(Linux.AT_FDCWD, shared.mountPoint(), Linux.O_PATH);
      try {
        requireMount(fd, "", shared.mountId(), shared.mountPoint());
        Kernel.mountSetattr(fd, 0, 0, Linux.MS_SLAVE, shared.mountPoint());
      } finally {
        Kernel.close(fd);
      }
    }
  }

  /**
   * Replaces every mount point, in order. On any failure, undoes the ones already replaced (newest
   * first) and throws {@link SwapFailedException}, which tells whether the undo worked.
   *
   * @param procStatFd an open /proc/PID/stat of the container process: checked once all mount
   *     points are swapped (the fd keeps the namespace alive, so a container that exited half-way
   *     is noticed there and everything is undone)
   */
  static void swapAll(List<Swap> swaps, int procStatFd) {
    int n = swaps.size();
    int[] parents = filled(n);
    int[] oldClones = filled(n);
    boolean[] detached = new boolean[n];
    boolean[] attached = new boolean[n];
    try {
      for (int i = 0; i < n; i++) {
        Swap s = swaps.get(i);
        parents[i] =
            Kernel.openNoSymlinks(Linux.AT_FDCWD, s.parent(), Linux.O_PATH | Linux.O_DIRECTORY);
        // The new mount is attached to this mount: it must be the one the plan saw (and made
        // slave if it was shared), not one the container put there since.
        requireMount(parents[i], "", s.expectedParentMountId(), s.parent());
        if (s.expectedMountId() == MountChange.NOTHING_MOUNTED) {
          // Empty means: the directory is on its parent's mount, nothing is mounted on it.
          requireMount(parents[i], s.name(), s.expectedParentMountId(), s.mountPoint());
        } else {
          requireMount(parents[i], s.name(), s.expectedMountId(), s.mountPoint());
          oldClones[i] = Kernel.openTreeClone(parents[i], s.name(), s.mountPoint());
          Kernel.fchdir(parents[i]);
          Kernel.umountDetach(s.name());
          detached[i] = true;
        }
        Kernel.moveMount(s.newMountFd(), parents[i], s.name(), s.mountPoint());
        attached[i] = true;
      }
      if (!Kernel.processAlive(procStatFd)) {
        // Its mount namespace lives on only through our fd: undo, the caller reports it gone.
        throw new SwapFailedException("the container exited during the swap", null, List.of());
      }
    } catch (RuntimeException failure) {
      List<String> undoFailures = undo(swaps, parents, oldClones, detached, attached);
      String what = failure.getMessage();
      throw new SwapFailedException(what, failure, undoFailures);
    } finally {
      for (int i = 0; i < n; i++) {
        Kernel.close(parents[i]);
        Kernel.close(oldClones[i]);
      }
    }
  }

  private static List<String> undo(
      List<Swap> swaps, int[] parents, int[] oldClones, boolean[] detached, boolean[] attached) {
    List<String> failures = new ArrayList<>();
    for (int i = swaps.size() - 1; i >= 0; i--) {
      String name = swaps.get(i).name();
      try {
        if (attached[i]) {
          Kernel.fchdir(parents[i]);
          Kernel.umountDetach(name);
        }
        if (detached[i]) {
          Kernel.moveMount(oldClones[i], parents[i], name, swaps.get(i).mountPoint());
        }
      } catch (RuntimeException e) {
        failures.add(swaps.get(i).mountPoint() + ": " + e.getMessage());
      }
    }
    return failures;
  }

  private static void requireMount(int dirFd, String name, long expected, String mountPoint) {
    long found = Kernel.mountId(dirFd, name, mountPoint);
    if (found != expected) {
      throw new SwapFailedException(
          mountPoint + " is now mount " + found + ", not mount " + expected + " as planned",
          null,
          List.of());
    }
  }

  private static int[] filled(int n) {
    int[] fds = new int[n];
    java.util.Arrays.fill(fds, -1);
    return fds;
  }
}
