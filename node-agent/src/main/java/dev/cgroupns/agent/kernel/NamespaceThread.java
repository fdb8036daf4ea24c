package dev.cgroupns.agent.kernel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 *
 * <p>The fds the task uses belong to the thread ({@link Reserved#descriptors()}): it closes them
 * when it ends, so a caller that stopped waiting never closes an fd the thread still uses. A task
 * that was not finished by its deadline is abandoned: {@link Reserved#requireInTime()} makes it
 * stop at its next checkpoint instead of acting late. Before any thread is handed out, the process
 * is made non-dumpable, so a crash while a thread is inside a container leaves no core there.
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
    try (Reserved thread = reserve(name, preload)) {
      return thread.run(timeout, task);
    }
  }

  /**
   * Starts the dedicated thread now and lets it wait for its one task, so that starting it (and its
   * unshare(CLONE_FS)) overlaps with the caller's own preparation. Close it: an unused thread then
   * ends without having done anything.
   */
  public static Reserved reserve(String name, List<Class<?>> preload) {
    Kernel.ensureLoaded();
    Kernel.disableCoreDumps();
    // What requireInTime throws on the thread, possibly after it entered a container.
    initialiseOnce(NamespaceThreadTimeoutException.class);
    for (Class<?> type : preload) {
      initialiseOnce(type);
    }
    return new Reserved(name);
  }

  private static void initialiseOnce(Class<?> type) {
    if (!INITIALISED.contains(type)) {
      initialise(type);
      INITIALISED.add(type);
    }
  }

  /** A started, dedicated thread waiting for the single task it will ever run. */
  public static final class Reserved implements AutoCloseable {
    private final String name;
    private final Thread thread;
    private final CompletableFuture<Task<?>> task = new CompletableFuture<>();
    private final AtomicReference<Object> result = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Descriptors descriptors = new Descriptors();
    private volatile long deadline = Long.MAX_VALUE;
    private volatile boolean abandoned;
    private boolean used;

    private Reserved(String name) {
      this.name = name;
      this.thread = new Thread(this::work, "cgroupns-" + name);
      thread.setDaemon(true);
      thread.start();
    }

    private void work() {
      try {
        runTask();
      } finally {
        descriptors.close(); // the only place they are closed: nobody else can still use them
      }
    }

    private void runTask() {
      Throwable unshareFailure = null;
      try {
        Kernel.unshare(Linux.CLONE_FS);
      } catch (Throwable t) {
        unshareFailure = t;
      }
      Task<?> mine;
      try {
        mine = task.get();
      } catch (Exception e) {
        return;
      }
      if (mine == null) {
        return; // released unused
      }
      if (unshareFailure != null) {
        failure.set(unshareFailure);
        return;
      }
      try {
        result.set(mine.run());
      } catch (Throwable t) {
        failure.set(t);
      }
    }

    /** Hands the task to the thread and waits for it. Only once per thread. */
    public <T> T run(Duration timeout, Task<T> work) {
      deadline = System.nanoTime() + timeout.toNanos();
      submit(work);
      return await(timeout);
    }

    /**
     * The fds of this operation. Open them on the caller's side before handing the task over; the
     * thread closes them when it ends (also when it is released unused), never earlier.
     */
    public Descriptors descriptors() {
      return descriptors;
    }

    /**
     * A checkpoint for the task: throws once the caller stopped waiting or the deadline passed, so
     * an abandoned thread that wakes up late never goes on to change anything.
     */
    public void requireInTime() {
      if (abandoned || System.nanoTime() - deadline > 0) {
        throw new NamespaceThreadTimeoutException(name, Duration.ZERO);
      }
    }

    /**
     * Hands the task to the thread without waiting, so the caller can go on with its own work (the
     * task may wait for the caller at a point of its choosing). Only once per thread; then call
     * {@link #await}.
     */
    public void submit(Task<?> work) {
      if (used) {
        throw new IllegalStateException("namespace thread " + name + " was used already");
      }
      used = true;
      task.complete(work);
    }

    /**
     * Waits for the submitted task and returns its result or rethrows its failure.
     *
     * @throws NamespaceThreadTimeoutException when it did not finish in time; the thread is then
     *     abandoned, and the caller must not close any fd the task may still use
     */
    @SuppressWarnings("unchecked")
    public <T> T await(Duration timeout) {
      join(timeout);
      if (thread.isAlive()) {
        abandoned = true;
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
      return (T) result.get();
    }

    /** True once the thread has ended (or was never handed a task and released). */
    public boolean finished() {
      return !thread.isAlive();
    }

    /** Ends an unused thread and waits for it; a no-op after {@link #run}. */
    @Override
    public void close() {
      if (!used) {
        used = true;
        task.complete(null);
        join(Duration.ofSeconds(10));
      }
    }

    private void join(Duration timeout) {
      try {
        thread.join(timeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted while waiting for namespace thread " + name, e);
      }
    }
  }

  private static void initialise(Class<?> type) {
    try {
      Class.forName(type.getName(), true, type.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("cannot preload " + type.getName(), e);
    }
  }
}
