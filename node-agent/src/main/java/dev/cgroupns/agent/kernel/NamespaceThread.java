package dev.cgroupns.agent.kernel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one task on a brand-new platform thread that is thrown away afterwards.
 *
 * <p>Namespaces belong to threads, and a thread that has joined a container's cgroups or entered
 * its mount namespace is spoiled for anything else (safety rule 6). So: never a pool, never a
 * virtual thread (its carrier would be spoiled instead), one thread per operation.
 *
 * <p>The thread first calls {@code unshare(CLONE_FS)}: every JVM thread shares root, cwd and umask
 * with the others, and the kernel refuses {@code setns(CLONE_NEWNS)} to a thread that shares them.
 * After that, the thread's root, cwd (and any {@code fchdir}) are its own.
 *
 * <p>Everything the task will touch is loaded before the thread starts: the given classes are
 * initialised on the caller's thread, in the agent's own mount namespace, so that nothing is ever
 * loaded by path after the task entered a container's mount namespace (safety rule 1).
 */
public final class NamespaceThread {
  /** Work to run on the dedicated thread. */
  @FunctionalInterface
  public interface Task<T> {
    T run() throws Exception;
  }

  /** Classes already initialised; Class.forName is not free, and run() is on a hot path. */
  private static final java.util.Set<Class<?>> INITIALISED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private NamespaceThread() {}

  /**
   * Runs {@code task} on a fresh thread and returns its result or rethrows its failure.
   *
   * @param preload classes the task uses; initialised here, before the thread starts
   * @param timeout how long to wait; on expiry the thread is abandoned (it is a daemon) and an
   *     exception says so. This happens only if the kernel blocks the thread, e.g. a frozen cgroup.
   */
  public static <T> T run(String name, List<Class<?>> preload, Duration timeout, Task<T> task) {
    Kernel.ensureLoaded();
    for (Class<?> type : preload) {
      if (!INITIALISED.contains(type)) {
        initialise(type);
        INITIALISED.add(type);
      }
    }
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                Kernel.unshare(Linux.CLONE_FS);
                result.set(task.run());
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "cgroupns-" + name);
    thread.setDaemon(true);
    thread.start();
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for namespace thread " + name, e);
    }
    if (thread.isAlive()) {
      throw new NamespaceThreadTimeoutException(name, timeout);
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (t instanceof Error error) {
      throw error;
    }
    if (t != null) {
      throw new IllegalStateException(t.getMessage(), t);
    }
    return result.get();
  }

  private static void initialise(Class<?> type) {
    try {
      Class.forName(type.getName(), true, type.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("cannot preload " + type.getName(), e);
    }
  }
}
