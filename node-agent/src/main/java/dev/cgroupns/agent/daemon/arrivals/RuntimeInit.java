package dev.cgroupns.agent.daemon.arrivals;

import java.util.Set;
import java.util.function.Supplier;

/**
 * Whether a container's first process is still the runtime's own, setting the container up, or has
 * started the container's program. runc names its stages {@code runc:[0:PARENT]}, {@code
 * runc:[1:CHILD]} and {@code runc:[2:INIT]}. Remounting while the init still sets the container up
 * would be covered by the runtime's own mounts, so an arrival is acted on only once that is over:
 * when its init has exec'd the container's program, or when runc's init has reached its last step
 * before that, blocked opening its exec FIFO until the runtime is told to start the container. All
 * its mounts are made by then (runc makes the FIFO wait the final step of its init), and the gap
 * between a container's creation and its start is time the agent can use: a container isolated
 * there runs its first instruction isolated.
 *
 * <p>Before it names itself, runc's init carries the name of the file it was started from ({@code
 * exe} for {@code /proc/self/exe}, or a descriptor's number): those count as the runtime too. The
 * mount namespace check of {@link ArrivalTracker} does not rely on names at all.
 *
 * <p>A container can name its own process like one of these; then it only delays its own early
 * isolation, and the pod status path, which does not wait for this, isolates it as before. Pure.
 */
final class RuntimeInit {
  /** The name runc's init has from its final stage until it execs the container's program. */
  static final String RUNC_INIT = "runc:[2:INIT]";

  private static final Set<String> PREPARING =
      Set.of("runc", "runc:[0:PARENT]", "runc:[1:CHILD]", RUNC_INIT, "crun", "youki");

  /**
   * The kernel function that a process opening a FIFO sleeps in until the other end opens it, as
   * /proc/PID/wchan shows it.
   */
  static final String FIFO_OPEN_WAIT = "wait_for_partner";

  private RuntimeInit() {}

  /**
   * Whether the container's set-up is over: its init runs the program, or is runc's init waiting
   * for the start on its exec FIFO.
   *
   * @param wchan the init's /proc/PID/wchan, read only for runc's init
   */
  static boolean setUp(String comm, Supplier<String> wchan) {
    if (!stillPreparing(comm)) {
      return true;
    }
    return comm.equals(RUNC_INIT) && FIFO_OPEN_WAIT.equals(wchan.get());
  }

  static boolean stillPreparing(String comm) {
    return PREPARING.contains(comm) || comm.equals("exe") || comm.matches("[0-9]+");
  }
}
