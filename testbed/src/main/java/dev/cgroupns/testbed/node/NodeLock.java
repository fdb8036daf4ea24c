package dev.cgroupns.testbed.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * One node per machine at a time: the kubelet's {@code /kubepods} cgroups, its iptables chains and
 * sysctls are the host's, so two nodes would clean up each other's. The lock is a file lock, which
 * the kernel releases when its JVM dies, so a killed run never blocks the next.
 */
final class NodeLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private NodeLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Waits up to {@code patience} for the lock on {@code file}. */
  static NodeLock acquire(Path file, Duration patience) {
    try {
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      Instant deadline = Instant.now().plus(patience);
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          channel.close();
          throw new IllegalStateException("this JVM already runs a node (" + file + ")");
        }
        if (lock != null) {
          return new NodeLock(channel, lock);
        }
        if (Instant.now().isAfter(deadline)) {
          channel.close();
          throw new IllegalStateException(
              "another process runs a node on this machine (" + file + " is locked)");
        }
        Thread.sleep(500);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + file, e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
