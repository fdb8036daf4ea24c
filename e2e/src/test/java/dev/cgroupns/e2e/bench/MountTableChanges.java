package dev.cgroupns.e2e.bench;

import dev.cgroupns.agent.kernel.Kernel;
import dev.cgroupns.agent.kernel.Linux;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * Tells the exposure watch which of the processes it follows may have a changed mount table, so
 * that it reads a container's mountinfo when its mounts change instead of on every sweep. Reading
 * and parsing 30 containers' mount tables every half millisecond cost the bench about one of the
 * machine's 2 cores, taken from the runtime and the agent it measures.
 */
interface MountTableChanges extends AutoCloseable {

  /** Starts following {@code pid}'s mount table; a change from now on is reported. */
  void follow(long pid);

  void forget(long pid);

  /**
   * Waits at most {@code timeoutNanos} for a change, and returns the followed processes whose mount
   * table may have changed since they were last returned (or followed). May name one that did not.
   */
  Set<Long> await(long timeoutNanos);

  @Override
  void close();

  /**
   * The kernel's own signal: a /proc/PID/mountinfo fd polls with POLLPRI (and POLLERR) once its
   * mount namespace's table has changed since the fd was opened or last polled.
   */
  static MountTableChanges kernel(Path proc) {
    return new KernelSignal(proc);
  }

  /** Every followed process after each pause: for a made-up /proc, whose files never signal. */
  static MountTableChanges everyPause() {
    return new EveryPause();
  }

  /** ppoll(2), bound through jnr-ffi; public because jnr-ffi implements it in another loader. */
  interface PollCall {
    int ppoll(@In @Out byte[] fds, long count, @In long[] timeout, Pointer signalMask);
  }

  final class KernelSignal implements MountTableChanges {
    private static final PollCall LIBC = LibraryLoader.create(PollCall.class).load("c");
    private static final int POLLFD_BYTES = 8;
    private static final short POLLPRI = 0x002;
    private static final short POLLERR = 0x008;

    private final Path proc;
    private final Map<Long, Integer> fds = new LinkedHashMap<>();

    private KernelSignal(Path proc) {
      this.proc = proc;
    }

    @Override
    public synchronized void follow(long pid) {
      if (!fds.containsKey(pid)) {
        fds.put(pid, Kernel.open(proc.resolve(pid + "/mountinfo").toString(), Linux.O_RDONLY));
      }
    }

    @Override
    public synchronized void forget(long pid) {
      Integer fd = fds.remove(pid);
      if (fd != null) {
        Kernel.close(fd);
      }
    }

    @Override
    public Set<Long> await(long timeoutNanos) {
      List<Long> pids;
      byte[] table;
      synchronized (this) {
        pids = new ArrayList<>(fds.keySet());
        table = new byte[pids.size() * POLLFD_BYTES];
        ByteBuffer b = ByteBuffer.wrap(table).order(ByteOrder.nativeOrder());
        for (long pid : pids) {
          b.putInt(fds.get(pid)).putShort(POLLPRI).putShort((short) 0);
        }
      }
      long[] timeout = {timeoutNanos / 1_000_000_000L, timeoutNanos % 1_000_000_000L};
      int ready = LIBC.ppoll(table, pids.size(), timeout, null);
      if (ready <= 0) {
        return Set.of(); // timed out, or a signal: the next call asks again
      }
      ByteBuffer b = ByteBuffer.wrap(table).order(ByteOrder.nativeOrder());
      Set<Long> changed = new HashSet<>();
      for (int i = 0; i < pids.size(); i++) {
        short revents = b.getShort(i * POLLFD_BYTES + 6);
        if ((revents & (POLLPRI | POLLERR)) != 0) {
          changed.add(pids.get(i));
        }
      }
      return changed;
    }

    @Override
    public synchronized void close() {
      fds.values().forEach(Kernel::close);
      fds.clear();
    }
  }

  final class EveryPause implements MountTableChanges {
    private final Set<Long> followed = new LinkedHashSet<>();

    @Override
    public synchronized void follow(long pid) {
      followed.add(pid);
    }

    @Override
    public synchronized void forget(long pid) {
      followed.remove(pid);
    }

    @Override
    public Set<Long> await(long timeoutNanos) {
      LockSupport.parkNanos(timeoutNanos);
      synchronized (this) {
        return Set.copyOf(followed);
      }
    }

    @Override
    public void close() {}
  }
}
