package dev.cgroupns.agent.proc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The one class that reads /proc. The root is configurable: "/proc" by default; in the DaemonSet it
 * is the host's /proc (hostPID). Every read is bounded, so a hostile process (say one that creates
 * a million mounts) cannot make the agent exhaust its memory.
 *
 * <p>Files are decoded as UTF-8; mountinfo escapes are ASCII octal and are decoded by the parser.
 */
public final class ProcFs {
  /** /proc/PID/cgroup has one line per hierarchy, each with a path of at most PATH_MAX. */
  public static final int MAX_CGROUP_BYTES = 256 << 10;

  private static final int MAX_STAT_BYTES = 4 << 10;
  private static final Pattern NS_NAME = Pattern.compile("[a-z_]{1,32}");
  private static final Pattern NS_LINK = Pattern.compile("([a-z_]+):\\[(\\d{1,20})]");

  private final Path root;

  public ProcFs(Path procRoot) {
    this.root = procRoot.toAbsolutePath().normalize();
  }

  /** The procfs at /proc. */
  public static ProcFs host() {
    return new ProcFs(Path.of("/proc"));
  }

  public Path root() {
    return root;
  }

  /** /proc/PID. */
  public Path pidDir(int pid) {
    requirePid(pid);
    return root.resolve(Integer.toString(pid));
  }

  /** The process's identity, empty when no process has that PID (any more). */
  public Optional<ProcessIdentity> identity(int pid) {
    try {
      String stat = read(pid, "stat", MAX_STAT_BYTES);
      return Optional.of(new ProcessIdentity(pid, ProcStatParser.startTime(stat)));
    } catch (ProcessVanishedException e) {
      return Optional.empty();
    }
  }

  /** The process's parent PID (its stat's field 4). */
  public int parentPid(int pid) {
    return ProcStatParser.parentPid(read(pid, "stat", MAX_STAT_BYTES));
  }

  /** The process's name as the kernel keeps it (at most 15 bytes), without the newline. */
  public String comm(int pid) {
    return read(pid, "comm", 64).strip();
  }

  /**
   * The kernel function the process sleeps in, as /proc/PID/wchan names it ("0" when it runs, or
   * when the kernel hides it); empty when the file is missing.
   */
  public String wchan(int pid) {
    try {
      return read(pid, "wchan", 128).strip();
    } catch (ProcessVanishedException e) {
      return "";
    }
  }

  /** True when the PID still names the same process: same PID and same start time. */
  public boolean isAlive(ProcessIdentity id) {
    return identity(id.pid()).map(current -> current.equals(id)).orElse(false);
  }

  /** /proc/PID/cgroup, as rendered for the calling thread's cgroup namespace. */
  public ProcCgroup cgroups(int pid) {
    return ProcCgroupParser.parse(read(pid, "cgroup", MAX_CGROUP_BYTES));
  }

  /**
   * /proc/PID/mountinfo, as isolating and reverting need it: the cgroupfs mounts of the process's
   * mount namespace, seen from its root, and the mounts around them (read twice, see {@link
   * MountInfoParser#readAroundCgroupMounts}). The rest of a table of any size is never kept.
   *
   * @param alsoWantedMountPoints mount points kept with the mounts on their paths, even when no
   *     cgroupfs is mounted there (a revert record's)
   * @throws MountTableTooLargeException the table, or what would be kept of it, is too large
   */
  public MountInfo mountInfo(int pid, Collection<String> alsoWantedMountPoints) {
    Path file = pidDir(pid).resolve("mountinfo");
    try {
      return MountInfoParser.readAroundCgroupMounts(
          () -> Files.newInputStream(file), alsoWantedMountPoints);
    } catch (NoSuchFileException e) {
      throw new ProcessVanishedException(pid, e);
    } catch (IOException e) {
      throw vanishedOr(pid, file, e);
    }
  }

  /** {@link #mountInfo(int, Collection)} with no mount points wanted besides the cgroupfs ones. */
  public MountInfo mountInfo(int pid) {
    return mountInfo(pid, List.of());
  }

  /** The agent's own /proc/self/cgroup. */
  public ProcCgroup selfCgroups() {
    return ProcCgroupParser.parse(readSelf("cgroup", MAX_CGROUP_BYTES));
  }

  /** The agent's own /proc/self/mountinfo: its cgroupfs mounts only. */
  public MountInfo selfCgroupMounts() {
    Path file = root.resolve("self").resolve("mountinfo");
    try (InputStream in = Files.newInputStream(file)) {
      return MountInfoParser.readCgroupMounts(in);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * The inode number of a namespace, from the link /proc/PID/ns/NAME ("cgroup:[4026531835]"). Two
   * processes are in the same namespace exactly when the inodes are equal (procfs is one
   * filesystem). Empty when the kernel has no such namespace kind or the link cannot be read (e.g.
   * permission), which callers report as "unknown".
   *
   * @throws ProcessVanishedException when the process is gone
   */
  public Optional<Long> namespaceInode(int pid, String nsName) {
    if (nsName == null || !NS_NAME.matcher(nsName).matches()) {
      throw new IllegalArgumentException("not a namespace name: " + nsName);
    }
    Path link = pidDir(pid).resolve("ns").resolve(nsName);
    try {
      Matcher m = NS_LINK.matcher(Files.readSymbolicLink(link).toString());
      if (!m.matches()) {
        throw new ProcFormatException("unexpected namespace link " + link);
      }
      return Optional.of(Long.parseLong(m.group(2)));
    } catch (NoSuchFileException e) {
      if (!Files.isDirectory(pidDir(pid))) {
        throw new ProcessVanishedException(pid, e);
      }
      return Optional.empty();
    } catch (AccessDeniedException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw vanishedOr(pid, link, e);
    }
  }

  /** The PIDs (thread-group leaders) present now; directories with numeric names only. */
  public IntStream pids() {
    int[] pids = new int[256];
    int count = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        int pid = parsePid(entry.getFileName().toString());
        if (pid > 0) {
          if (count == pids.length) {
            pids = Arrays.copyOf(pids, count * 2);
          }
          pids[count++] = pid;
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + root, e);
    }
    return Arrays.stream(pids, 0, count);
  }

  /** Reads /proc/PID/NAME fully, refusing more than {@code maxBytes}. */
  public String read(int pid, String name, int maxBytes) {
    Path file = pidDir(pid).resolve(name);
    try {
      return readBounded(file, maxBytes);
    } catch (NoSuchFileException e) {
      throw new ProcessVanishedException(pid, e);
    } catch (IOException e) {
      throw vanishedOr(pid, file, e);
    }
  }

  private String readSelf(String name, int maxBytes) {
    Path file = root.resolve("self").resolve(name);
    try {
      return readBounded(file, maxBytes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * An exiting process makes reads fail with ESRCH ("No such process") or, for mountinfo of a
   * zombie whose namespaces are gone, EINVAL. If the process is gone or a zombie, that is a
   * vanished process; otherwise a real I/O failure.
   */
  private RuntimeException vanishedOr(int pid, Path file, IOException e) {
    if (!identityStillReadable(pid)) {
      return new ProcessVanishedException(pid, e);
    }
    return new java.io.UncheckedIOException("cannot read " + file, e);
  }

  private boolean identityStillReadable(int pid) {
    try {
      String stat = readBounded(pidDir(pid).resolve("stat"), MAX_STAT_BYTES);
      char state = ProcStatParser.state(stat);
      return state != 'Z' && state != 'X';
    } catch (IOException | ProcFormatException e) {
      return false;
    }
  }

  static String readBounded(Path file, int maxBytes) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new ProcFormatException(file + " is larger than " + maxBytes + " bytes; refused");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static int parsePid(String name) {
    if (name.isEmpty() || name.length() > 9) {
      return -1;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    return Integer.parseInt(name);
  }

  private static void requirePid(int pid) {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be positive, got " + pid);
    }
  }
}
