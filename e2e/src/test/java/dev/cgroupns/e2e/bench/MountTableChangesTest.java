package dev.cgroupns.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.kernel.Kernel;
import dev.cgroupns.testbed.precondition.Precondition;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernel's signal on a real mount namespace: a process in a mount namespace of its own, whose
 * mount table changes when the test tells it to (as root, with unshare from util-linux).
 */
class MountTableChangesTest {

  @Test
  void reportsAMountInTheFollowedNamespaceAndOnlyThen() throws Exception {
    Precondition.require(Kernel.geteuid() == 0, "needs root (a mount namespace of its own)");
    Process child =
        new ProcessBuilder(
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                "echo ready; read x; mount -t tmpfs bench-probe /mnt; echo mounted; read x")
            .redirectErrorStream(true)
            .start();
    try (MountTableChanges changes = MountTableChanges.kernel(Path.of("/proc"))) {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      OutputStream in = child.getOutputStream();
      assertThat(out.readLine()).isEqualTo("ready");
      // The shell's pid: unshare execs it in the new namespace.
      long pid = child.pid();
      changes.follow(pid);
      assertThat(changes.await(TimeUnit.MILLISECONDS.toNanos(200)))
          .as("nothing changed yet")
          .isEmpty();

      in.write('\n');
      in.flush();
      assertThat(out.readLine()).isEqualTo("mounted");
      assertThat(changes.await(TimeUnit.SECONDS.toNanos(10))).isEqualTo(Set.of(pid));
      assertThat(changes.await(TimeUnit.MILLISECONDS.toNanos(200)))
          .as("reported once per change")
          .isEmpty();

      changes.forget(pid);
      assertThat(changes.await(TimeUnit.MILLISECONDS.toNanos(50))).isEmpty();
    } finally {
      child.destroyForcibly().waitFor();
    }
  }
}
