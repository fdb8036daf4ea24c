package dev.cgroupns.agent.daemon.arrivals;

import java.util.Set;

/**
 * Whether a container's first process is still the runtime's own, setting the container up, or has
 * started the container's program. runc names its stages {@code runc:[0:PARENT]}, {@code
 * runc:[1:CHILD]} and {@code runc:[2:INIT]}; the last waits, mounts done, until the runtime is told
 * to start the container. Remounting before then would be undone or covered by the runtime's own
 * mounts, so an arrival is acted on only once its init has exec'd.
 *
 * <p>Before it names itself, runc's init carries the name of the file it was started from ({@code
 * exe} for {@code /proc/self/exe}, or a descriptor's number): those count as the runtime too. The
 * mount namespace check of {@link ArrivalTracker} does not rely on names at all.
 *
 * <p>A container can name its own process like one of these; then it only delays its own early
 * isolation, and the pod status path, which does not wait for this, isolates it as before. Pure.
 */
final class RuntimeInit {
  private static final Set<String> PREPARING =
      Set.of("runc", "runc:[0:PARENT]", "runc:[1:CHILD]", "runc:[2:INIT]", "crun", "youki");

  private RuntimeInit() {}

  static boolean stillPreparing(String comm) {
    return PREPARING.contains(comm) || comm.equals("exe") || comm.matches("[0-9]+");
  }
}
