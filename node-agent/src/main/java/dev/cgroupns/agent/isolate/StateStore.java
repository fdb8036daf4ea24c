package dev.cgroupns.agent.isolate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cgroupns.agent.kernel.Kernel;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node-local state directory: one revert record and one lock file per container, named by (pid,
 * start time), e.g. {@code 4242-987654.json} and {@code 4242-987654.lock}.
 *
 * <p>Records are written atomically (temporary file, fsync, rename, fsync of the directory), so a
 * crash leaves either the old record or the new one. Locks are open file description locks
 * (F_OFD_SETLK), which the kernel drops when the holder dies, so a crashed agent never leaves a
 * container locked. Classic POSIX record locks would not do: they belong to the whole process and
 * vanish when any descriptor of the file is closed anywhere in the JVM.
 */
public final class StateStore {
  private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);

  /** Default directory: on tmpfs, so records vanish on reboot together with the mounts. */
  public static final Path DEFAULT_DIR = Path.of("/run/cgroup-isolation");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final AtomicLong TEMP_COUNTER = new AtomicLong();
  private static final Pattern STATE_FILE =
      Pattern.compile("([1-9]\\d{0,8})-(\\d{1,19})\\.(json|lock)");

  /** A record of the largest container the agent handles is a few kilobytes. */
  static final int MAX_RECORD_BYTES = 256 << 10;

  private final Path dir;

  public StateStore(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  public Path dir() {
    return dir;
  }

  /** A held per-container lock; close to release. */
  public interface Lock extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes the container's lock without waiting.
   *
   * @throws ContainerBusyException when another agent, CLI or thread holds it
   */
  public Lock lock(ProcessIdentity process) {
    Path lockFile = file(process, ".lock");
    ensureDir();
    int fd = Kernel.openLockFile(lockFile.toString());
    try {
      if (!Kernel.tryLockWholeFile(fd, lockFile.toString())) {
        throw new ContainerBusyException(process, lockFile.toString());
      }
    } catch (RuntimeException e) {
      Kernel.close(fd);
      throw e;
    }
    // Closing the descriptor is what releases the lock, so the Lock closes it exactly once.
    AtomicBoolean open = new AtomicBoolean(true);
    return () -> {
      if (open.compareAndSet(true, false)) {
        Kernel.close(fd);
      }
    };
  }

  /**
   * The process's revert record, checked before it is trusted: a regular file (never through a
   * symlink), at most {@link #MAX_RECORD_BYTES}, for this very process, and of the shape the agent
   * writes ({@link RevertRecordCheck}).
   *
   * @throws IllegalStateException when the record or the directory is not trustworthy
   */
  public Optional<RevertRecord> read(ProcessIdentity process) {
    Path file = file(process, ".json");
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    checkDirectory();
    RevertRecord record;
    try {
      record = JSON.readValue(readBounded(file), RevertRecord.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read revert record " + file, e);
    }
    if (record.pid() != process.pid() || record.startTime() != process.startTime()) {
      throw new IllegalStateException(file + " belongs to another process; refusing it");
    }
    List<String> problems = RevertRecordCheck.problems(record);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          file + " is not a record the agent writes; refusing it: " + String.join("; ", problems));
    }
    return Optional.of(record);
  }

  private static byte[] readBounded(Path file) throws IOException {
    if (Files.isSymbolicLink(file)) {
      throw new IllegalStateException(file + " is a symlink; refusing it");
    }
    // Opened without following links all the same: a link put there after the check is refused.
    try (FileChannel in =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalStateException(file + " is not a regular file; refusing it");
      }
      long size = in.size();
      if (size > MAX_RECORD_BYTES) {
        throw new IllegalStateException(
            file
                + " has "
                + size
                + " bytes, more than any record the agent writes ("
                + MAX_RECORD_BYTES
                + "); refusing it");
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size + 1);
      while (buffer.hasRemaining() && in.read(buffer) > 0) {
        // until EOF, or one byte past the size seen: a file that grows meanwhile is refused
      }
      if (buffer.position() > size) {
        throw new IllegalStateException(file + " changed while it was read; refusing it");
      }
      return java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }
  }

  /**
   * Refuses a state directory that someone other than the agent could have written to: it must be a
   * real directory (not a symlink), owned by the agent's user, and writable by no group or other
   * user. Revert records are acted on inside containers, so a forged one must not be possible to
   * plant. Called when the engine and the CLI start and before any record is read or written; a
   * directory that does not exist yet is created safely on first write.
   *
   * @throws IllegalStateException naming what is wrong and how to fix it
   */
  public void checkDirectory() {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      PosixFileAttributes attributes =
          Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isDirectory()) {
        throw new IllegalStateException(
            "state directory " + dir + " is not a directory (or is a symlink); remove it");
      }
      int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      int self = Kernel.geteuid();
      if (owner != self) {
        throw new IllegalStateException(
            "state directory "
                + dir
                + " is owned by uid "
                + owner
                + ", not by the agent's uid "
                + self
                + "; its revert records cannot be trusted (chown "
                + self
                + " "
                + dir
                + ", or remove it)");
      }
      Set<PosixFilePermission> mode = attributes.permissions();
      if (mode.contains(PosixFilePermission.GROUP_WRITE)
          || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new IllegalStateException(
            "state directory "
                + dir
                + " is writable by group or others ("
                + PosixFilePermissions.toString(mode)
                + "); its revert records cannot be trusted"
                + " (chmod 700 "
                + dir
                + ")");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check state directory " + dir, e);
    }
  }

  /**
   * Every revert record in the directory that can be read and belongs to the process its file is
   * named after. A record that cannot be read is left out (and left alone): nothing can be reverted
   * from it anyway.
   */
  public List<RevertRecord> readAll() {
    checkDirectory();
    List<RevertRecord> records = new ArrayList<>();
    for (ProcessIdentity process : identities()) {
      if (!Files.exists(file(process, ".json"), LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try {
        read(process).ifPresent(records::add);
      } catch (RuntimeException e) {
        // unreadable or foreign: revert by hand (the CLI says why), never on a guess
        LOG.warn("revert record of {} left alone: {}", process, e.getMessage());
      }
    }
    return records;
  }

  /** Replaces the record atomically and durably. */
  public void write(RevertRecord record) {
    ensureDir();
    Path target = file(new ProcessIdentity(record.pid(), record.startTime()), ".json");
    // A name no other writer uses: the CLI and the daemon are separate processes, and a shared
    // temporary name would let one rename the other's half-written file into place.
    Path temp =
        dir.resolve(
            "."
                + target.getFileName()
                + "."
                + ProcessHandle.current().pid()
                + "-"
                + TEMP_COUNTER.incrementAndGet()
                + ".tmp");
    try {
      byte[] bytes = JSON.writeValueAsBytes(record);
      try (FileChannel out =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IllegalStateException("state directory does not support atomic rename", e);
      }
      syncDir();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write revert record " + target, e);
    }
  }

  public void delete(ProcessIdentity process) {
    try {
      Files.deleteIfExists(file(process, ".json"));
      syncDir();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete revert record of " + process, e);
    }
  }

  /**
   * Removes the records and lock files of processes that no longer exist (same PID and start time).
   * A record is only useful while its container runs: the mounts it describes die with the
   * container's mount namespace. Files whose lock is held are left alone.
   *
   * @return the identities cleaned up
   */
  public List<ProcessIdentity> removeStale(ProcFs procFs) {
    List<ProcessIdentity> removed = new ArrayList<>();
    for (ProcessIdentity process : identities()) {
      if (procFs.isAlive(process)) {
        continue;
      }
      try (Lock lock = lock(process)) {
        Files.deleteIfExists(file(process, ".json"));
        Files.deleteIfExists(file(process, ".lock"));
        removed.add(process);
      } catch (ContainerBusyException e) {
        // someone is working on it right now; next time
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove stale state of " + process, e);
      }
    }
    return removed;
  }

  /** The processes that have a record or a lock file here. */
  private Set<ProcessIdentity> identities() {
    Set<ProcessIdentity> seen = new LinkedHashSet<>();
    if (!Files.isDirectory(dir)) {
      return seen;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        Matcher m = STATE_FILE.matcher(file.getFileName().toString());
        if (m.matches()) {
          seen.add(new ProcessIdentity(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2))));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return seen;
  }

  /** The record file of a process (exists or not). */
  public Path recordFile(ProcessIdentity process) {
    return file(process, ".json");
  }

  private Path file(ProcessIdentity process, String suffix) {
    return dir.resolve(process.pid() + "-" + process.startTime() + suffix);
  }

  private void ensureDir() {
    try {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create state directory " + dir, e);
    }
    checkDirectory();
  }

  private void syncDir() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
