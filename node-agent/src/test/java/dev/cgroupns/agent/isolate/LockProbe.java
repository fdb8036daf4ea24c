package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.proc.ProcessIdentity;
import java.nio.file.Path;

/**
 * A second process for the lock tests: {@code try DIR PID START} exits {@link #LOCKED} when it got
 * the container's lock and {@link #BUSY} when it was refused; {@code hold DIR PID START} takes the
 * lock, prints {@code holding} and waits until it is killed.
 */
public final class LockProbe {
  static final int LOCKED = 0;
  static final int BUSY = 7;

  private LockProbe() {}

  public static void main(String[] args) throws InterruptedException {
    StateStore store = new StateStore(Path.of(args[1]));
    ProcessIdentity container =
        new ProcessIdentity(Integer.parseInt(args[2]), Long.parseLong(args[3]));
    try (StateStore.Lock lock = store.lock(container)) {
      if (args[0].equals("hold")) {
        System.out.print("holding");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
      }
    } catch (ContainerBusyException e) {
      System.exit(BUSY);
    }
    System.exit(LOCKED);
  }
}
