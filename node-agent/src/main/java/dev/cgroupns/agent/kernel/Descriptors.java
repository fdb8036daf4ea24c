package dev.cgroupns.agent.kernel;

import java.util.Arrays;

/**
 * The file descriptors of one namespace operation, closed together exactly once.
 *
 * <p>A {@link NamespaceThread} owns the set it hands out: the thread closes it when it ends, never
 * the caller. A caller that gave up on a blocked thread therefore cannot close an fd number the
 * thread is still about to use (and that the JVM may meanwhile have reused for another file).
 */
public final class Descriptors implements AutoCloseable {
  private int[] fds = new int[8];
  private int count;
  private boolean closed;

  /** Takes {@code fd} into the set and returns it; closes it at once if the set is closed. */
  public synchronized int keep(int fd) {
    if (closed) {
      Kernel.close(fd);
      throw new IllegalStateException("descriptor set already closed");
    }
    if (count == fds.length) {
      fds = Arrays.copyOf(fds, count * 2);
    }
    fds[count++] = fd;
    return fd;
  }

  /** Closes every fd taken in, newest first; a no-op after the first call. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = count - 1; i >= 0; i--) {
      Kernel.close(fds[i]);
    }
  }

  public synchronized boolean isClosed() {
    return closed;
  }
}
