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
  /** Default directory: on tmpfs, so records vanish on reboot together with the mounts. */
  public static final Path DEFAULT_DIR = Path.of("/run/cgroup-isolation");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final AtomicLong TEMP_COUNTER = new AtomicLong();
  private static final Pattern STATE_FILE =
      Pattern.compile("([1-9]\\d{0,8})-(\\d{1,19})\\.(json|lock)");

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

  public Optional<RevertRecord> read(ProcessIdentity process) {
    Path file = file(process, ".json");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      RevertRecord record = JSON.readValue(file.toFile(), RevertRecord.class);
      if (record.pid() != process.pid() || record.startTime() != process.startTime()) {
        throw new IllegalStateException(file + " belongs to another process; refusing it");
      }
      return Optional.of(record);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read revert record " + file, e);
    }
  }

  /**
   * Every revert record in the directory that can be read and belongs to the process its file is
   * named after. A record that cannot be read is left out (and left alone): nothing can be reverted
   * from it anyway.
   */
  public List<RevertRecord> readAll() {
    List<RevertRecord> records = new ArrayList<>();
    for (ProcessIdentity process : identities()) {
      if (!Files.exists(file(process, ".json"))) {
        continue;
      }
      try {
        read(process).ifPresent(records::add);
      } catch (RuntimeException e) {
        // unreadable or foreign: revert by hand (the CLI says why), never on a guess
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
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create state directory " + dir, e);
    }
  }

  private void syncDir() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
