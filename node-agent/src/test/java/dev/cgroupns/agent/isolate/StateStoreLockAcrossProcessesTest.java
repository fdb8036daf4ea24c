package dev.cgroupns.agent.isolate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.agent.proc.ProcessIdentity;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container lock as the CLI and the daemon meet it: two separate processes. A second JVM
 * ({@link LockProbe}) tries the lock that this one holds.
 */
class StateStoreLockAcrossProcessesTest {
  private static final ProcessIdentity CONTAINER = new ProcessIdentity(4243, 55555);

  @TempDir Path dir;

  @Test
  void anotherProcessIsRefusedWhileTheLockIsHeldAndGetsItOnceReleased() throws Exception {
    StateStore store = new StateStore(dir);
    try (StateStore.Lock held = store.lock(CONTAINER)) {
      assertThat(probe()).isEqualTo(LockProbe.BUSY);
    }
    assertThat(probe()).isEqualTo(LockProbe.LOCKED);
  }

  @Test
  void closingAnotherDescriptorOfTheLockFileInThisProcessKeepsTheLock() throws Exception {
    // With a POSIX record lock, this close would silently release the lock held above: the kernel
    // drops every such lock of the process on the file when any of its descriptors closes.
    StateStore store = new StateStore(dir);
    try (StateStore.Lock held = store.lock(CONTAINER)) {
      try (FileChannel other =
          FileChannel.open(dir.resolve("4243-55555.lock"), StandardOpenOption.READ)) {
        assertThat(other.size()).isZero();
      }
      assertThat(probe()).isEqualTo(LockProbe.BUSY);
    }
  }

  @Test
  void theLockDiesWithItsHolderProcess() throws Exception {
    Process holder = start("hold");
    String line = new String(holder.getInputStream().readNBytes(7), StandardCharsets.US_ASCII);
    assertThat(line).isEqualTo("holding");
    try {
      assertThatThrownBy(() -> new StateStore(dir).lock(CONTAINER))
          .isInstanceOf(ContainerBusyException.class);
    } finally {
      holder.destroyForcibly();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    new StateStore(dir).lock(CONTAINER).close();
  }

  private int probe() throws IOException, InterruptedException {
    Process probe = start("try");
    assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("the probe JVM ends").isTrue();
    return probe.exitValue();
  }

  private Process start(String mode) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            LockProbe.class.getName(),
            mode,
            dir.toString(),
            Long.toString(CONTAINER.pid()),
            Long.toString(CONTAINER.startTime()));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }
}
