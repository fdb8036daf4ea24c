package dev.cgroupns.agent.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * Typed wrappers over the system calls the agent makes. Every failure becomes a {@link
 * KernelException}; every successful call returns the kernel's result.
 *
 * <p>The library is bound and the marshalling code exercised when this class initialises, on
 * whatever thread first touches it, i.e. always in the agent's own mount namespace. That matters
 * because a thread that has entered a container's mount namespace must not load anything by path
 * (safety rule 1): jnr-ffi resolves libc and generates its stubs here, never later.
 */
public final class Kernel {
  private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
  private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
  private static final int STATX_SIZE = 256;
  private static final int STATX_MNT_ID_OFFSET = 0x90;

  static {
    warmUp();
  }

  private Kernel() {}

  /**
   * Makes sure this class is initialised (libc bound, marshalling warmed up); a no-op after the
   * first call. Call from the agent's own namespaces.
   */
  public static void ensureLoaded() {
    // Calling any static method runs the static initialiser once; nothing else to do.
  }

  /** Forces class loading and stub generation; runs once, from the static initialiser. */
  private static void warmUp() {
    // Each call fails harmlessly (bad fd / empty path) but runs the marshalling of every
    // parameter type the agent uses, so no marshalling class is loaded later.
    LIBC.close(-1);
    LIBC.read(-1, new byte[1], 0);
    LIBC.pread(-1, new byte[1], 0, 0);
    new java.io.ByteArrayOutputStream(1).write(0);
    LIBC.write(-1, new byte[1], 0);
    LIBC.syscall(SyscallNumbers.STATX, -1, "", 0, 0, new byte[STATX_SIZE]);
    LIBC.syscall(SyscallNumbers.OPENAT2, -1, "", new long[3], 24);
    LIBC.syscall(SyscallNumbers.MOUNT_SETATTR, -1, "", 0, new long[4], 32);
    LIBC.prctl(Linux.PR_GET_DUMPABLE, 0, 0, 0, 0);
    RUNTIME.getLastError();
    Errno.valueOf(Linux.EPERM).description();
    new KernelException("warm-up", 0, "", "", "").getMessage();
  }

  /** The effective user ID: who must own the agent's state directory. */
  public static int geteuid() {
    return LIBC.geteuid();
  }

  public static int gettid() {
    return (int) LIBC.syscall(SyscallNumbers.GETTID);
  }

  public static void unshare(int flags) {
    check(LIBC.unshare(flags), "unshare", "0x" + Integer.toHexString(flags));
  }

  public static void setns(int fd, int nsType) {
    check(LIBC.setns(fd, nsType), "setns", "fd " + fd + ", type 0x" + Integer.toHexString(nsType));
  }

  /** open(2) with O_CLOEXEC added. */
  public static int open(String path, int flags) {
    return (int) check(LIBC.open(path, flags | Linux.O_CLOEXEC, 0), "open", path);
  }

  /**
   * openat2(2) that refuses symbolic links and magic links anywhere in {@code path}: mount points
   * inside a container are resolved without letting the container redirect them.
   */
  public static int openNoSymlinks(int dirFd, String path, int flags) {
    long[] how = {
      flags | Linux.O_CLOEXEC, 0, Linux.RESOLVE_NO_SYMLINKS | Linux.RESOLVE_NO_MAGICLINKS
    };
    return (int) check(LIBC.syscall(SyscallNumbers.OPENAT2, dirFd, path, how, 24), "openat2", path);
  }

  public static void close(int fd) {
    if (fd >= 0) {
      LIBC.close(fd);
    }
  }

  /**
   * Makes the whole process non-dumpable (prctl PR_SET_DUMPABLE 0): the kernel then writes no core
   * file for it. A core is written relative to the crashing thread's root and cwd, which for a
   * thread inside a container are the container's, and it would hold the agent's memory (its
   * service-account token among it). Also keeps other users from ptrace or reading its /proc files.
   */
  public static void disableCoreDumps() {
    check(LIBC.prctl(Linux.PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl", "PR_SET_DUMPABLE 0");
  }

  /** Whether the process may dump core (prctl PR_GET_DUMPABLE). */
  public static boolean dumpable() {
    return check(LIBC.prctl(Linux.PR_GET_DUMPABLE, 0, 0, 0, 0), "prctl", "PR_GET_DUMPABLE") != 0;
  }

  public static void fchdir(int fd) {
    check(LIBC.fchdir(fd), "fchdir", "fd " + fd);
  }

  /** Writes all of {@code text} in one write(2), as cgroupfs control files require. */
  public static void writeString(int fd, String text, String what) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    long n = check(LIBC.write(fd, bytes, bytes.length), "write", what);
    if (n != bytes.length) {
      throw new KernelException("write", 0, "short write", n + " of " + bytes.length, what);
    }
  }

  /**
   * Reads a (proc or cgroupfs) file to its end from the fd's current position, refusing more than
   * {@code maxBytes} (a hostile container can make its mountinfo huge).
   */
  public static byte[] readAll(int fd, String what, int maxBytes) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(8192);
    byte[] chunk = new byte[8192];
    while (true) {
      long n = check(LIBC.read(fd, chunk, chunk.length), "read", what);
      if (n == 0) {
        return out.toByteArray();
      }
      out.write(chunk, 0, (int) n);
      if (out.size() > maxBytes) {
        throw new KernelException("read", 0, "EFBIG", "larger than " + maxBytes + " bytes", what);
      }
    }
  }

  /**
   * An input stream over an open fd, read with read(2) (no path lookup, so it works after the
   * thread switched namespaces). Closing the stream does not close the fd: its owner does.
   */
  public static java.io.InputStream inputStream(int fd, String what) {
    return new java.io.InputStream() {
      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
          return 0;
        }
        byte[] chunk = offset == 0 ? buffer : new byte[length];
        long n = check(LIBC.read(fd, chunk, length), "read", what);
        if (n == 0) {
          return -1;
        }
        if (chunk != buffer) {
          System.arraycopy(chunk, 0, buffer, offset, (int) n);
        }
        return (int) n;
      }
    };
  }

  /**
   * Whether the process an open {@code /proc/PID/stat} fd was opened for still exists. The fd pins
   * the process's struct pid, not its number: a reused PID reads as gone (ESRCH), never as alive.
   * Needs no path lookup, so it works after the thread entered another mount namespace.
   */
  public static boolean processAlive(int procStatFd) {
    byte[] stat = new byte[512];
    long n = LIBC.pread(procStatFd, stat, stat.length, 0);
    if (n <= 0) {
      return false;
    }
    // "PID (COMM) S ...": the state follows the LAST ')' (COMM may contain ')'). A zombie has
    // left its namespaces already; it counts as gone.
    for (int i = (int) n - 1; i > 0; i--) {
      if (stat[i] == ')') {
        byte state = i + 2 < n ? stat[i + 2] : (byte) 'X';
        return state != 'Z' && state != 'X';
      }
    }
    return false;
  }

  public static void umountDetach(String relativeName) {
    check(
        LIBC.umount2(relativeName, Linux.MNT_DETACH | Linux.UMOUNT_NOFOLLOW),
        "umount2",
        relativeName);
  }

  /** open_tree(2): clone of the mount at path (relative to dirFd, or dirFd itself if empty). */
  public static int openTreeClone(int dirFd, String path, String what) {
    int flags = Linux.OPEN_TREE_CLONE | Linux.OPEN_TREE_CLOEXEC;
    flags |= path.isEmpty() ? Linux.AT_EMPTY_PATH : Linux.AT_SYMLINK_NOFOLLOW;
    return (int)
        check(LIBC.syscall(SyscallNumbers.OPEN_TREE, dirFd, path, flags), "open_tree", what);
  }

  /** move_mount(2) of a detached mount fd onto {@code name} inside directory {@code toDirFd}. */
  public static void moveMount(int fromFd, int toDirFd, String name, String what) {
    check(
        LIBC.syscall(
            SyscallNumbers.MOVE_MOUNT, fromFd, "", toDirFd, name, Linux.MOVE_MOUNT_F_EMPTY_PATH),
        "move_mount",
        what);
  }

  public static int fsopen(String fsType) {
    return (int)
        check(LIBC.syscall(SyscallNumbers.FSOPEN, fsType, Linux.FSOPEN_CLOEXEC), "fsopen", fsType);
  }

  public static void fsconfigFlag(int fsFd, String key) {
    check(
        LIBC.syscall(SyscallNumbers.FSCONFIG, fsFd, Linux.FSCONFIG_SET_FLAG, key, null, 0),
        "fsconfig",
        key);
  }

  public static void fsconfigString(int fsFd, String key, String value) {
    check(
        LIBC.syscall(SyscallNumbers.FSCONFIG, fsFd, Linux.FSCONFIG_SET_STRING, key, value, 0),
        "fsconfig",
        key + "=" + value);
  }

  public static void fsconfigCreate(int fsFd, String what) {
    check(
        LIBC.syscall(SyscallNumbers.FSCONFIG, fsFd, Linux.FSCONFIG_CMD_CREATE, null, null, 0),
        "fsconfig(create)",
        what);
  }

  public static int fsmount(int fsFd, int mountAttributes, String what) {
    return (int)
        check(
            LIBC.syscall(SyscallNumbers.FSMOUNT, fsFd, Linux.FSMOUNT_CLOEXEC, mountAttributes),
            "fsmount",
            what);
  }

  /**
   * mount_setattr(2) on the mount an fd refers to: sets and clears attribute bits, optionally
   * changes propagation (0 leaves it).
   */
  public static void mountSetattr(int fd, long set, long clear, long propagation, String what) {
    long[] attr = {set, clear, propagation, 0};
    check(
        LIBC.syscall(SyscallNumbers.MOUNT_SETATTR, fd, "", Linux.AT_EMPTY_PATH, attr, 32),
        "mount_setattr",
        what);
  }

  /**
   * The mount ID (as in mountinfo) of the mount {@code name} resolves to, symlinks not followed.
   */
  public static long mountId(int dirFd, String name, String what) {
    byte[] statx = new byte[STATX_SIZE];
    int flags = Linux.AT_SYMLINK_NOFOLLOW | (name.isEmpty() ? Linux.AT_EMPTY_PATH : 0);
    check(
        LIBC.syscall(SyscallNumbers.STATX, dirFd, name, flags, Linux.STATX_MNT_ID, statx),
        "statx",
        what);
    return ByteBuffer.wrap(statx).order(ByteOrder.nativeOrder()).getLong(STATX_MNT_ID_OFFSET);
  }

  /**
   * Opens (creating it, mode 0600) a lock file for {@link #tryLockWholeFile}; a symbolic link at
   * {@code path} is refused rather than followed.
   */
  public static int openLockFile(String path) {
    int flags = Linux.O_RDWR | Linux.O_CREAT | Linux.O_NOFOLLOW | Linux.O_CLOEXEC;
    return (int) check(LIBC.open(path, flags, 0600), "open", path);
  }

  /**
   * Takes a write lock on the whole file without waiting, as an open file description lock
   * (F_OFD_SETLK). Unlike a classic POSIX record lock, which belongs to the process and is dropped
   * when the process closes any descriptor of the file, this lock belongs to {@code fd}'s open file
   * description: it holds until that description is closed, and it also excludes other descriptions
   * opened by the same process, so two threads of one JVM exclude each other too.
   *
   * @return false when another open file description holds a conflicting lock
   */
  public static boolean tryLockWholeFile(int fd, String what) {
    // struct flock on x86_64 and aarch64: short l_type, short l_whence, off_t l_start, off_t l_len,
    // pid_t l_pid (which must be 0 for OFD locks); zero start and length mean the whole file.
    byte[] flock = new byte[32];
    ByteBuffer.wrap(flock).order(ByteOrder.nativeOrder()).putShort(0, Linux.F_WRLCK);
    long result = LIBC.syscall(SyscallNumbers.FCNTL, fd, Linux.F_OFD_SETLK, flock);
    if (result == 0) {
      return true;
    }
    int errno = RUNTIME.getLastError();
    if (errno == Errno.EAGAIN.intValue() || errno == Errno.EACCES.intValue()) {
      return false;
    }
    throw exception("fcntl(F_OFD_SETLK)", errno, what);
  }

  private static long check(long result, String operation, String target) {
    if (result >= 0) {
      return result;
    }
    int errno = RUNTIME.getLastError();
    throw exception(operation, errno, target);
  }

  /** Builds the exception for a raw errno (used by code that records errno and reports later). */
  public static KernelException exception(String operation, int errno, String target) {
    Errno e = Errno.valueOf(errno);
    String name = e == null || e == Errno.__UNKNOWN_CONSTANT__ ? "errno " + errno : e.name();
    String text = e == null ? "" : e.description();
    return new KernelException(operation, errno, name, text, target);
  }
}
