package dev.cgroupns.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.agent.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamespaceThreadTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void unsharingACgroupNamespaceChangesOnlyTheDedicatedThread() throws Exception {
    Requirements.requireRoot();
    String own = Files.readSymbolicLink(Path.of("/proc/self/ns/cgroup")).toString();

    String[] seen =
        NamespaceThread.run(
            "test",
            List.of(),
            TIMEOUT,
            () -> {
              Kernel.unshare(Linux.CLONE_NEWCGROUP);
              String inThread =
                  Files.readSymbolicLink(Path.of("/proc/thread-self/ns/cgroup")).toString();
              String cgroup = Files.readString(Path.of("/proc/thread-self/cgroup"));
              return new String[] {inThread, cgroup};
            });

    assertThat(seen[0]).startsWith("cgroup:[").isNotEqualTo(own);
    // Born into the new namespace's root: every hierarchy reads "/" from the thread itself.
    assertThat(seen[1].lines()).allSatisfy(line -> assertThat(line).endsWith(":/"));
    assertThat(Files.readSymbolicLink(Path.of("/proc/self/ns/cgroup")).toString()).isEqualTo(own);
  }

  @Test
  void theThreadIsGoneWhenRunReturns() {
    Requirements.requireRoot();
    int before = Thread.activeCount();
    for (int i = 0; i < 5; i++) {
      NamespaceThread.run("count", List.of(), TIMEOUT, () -> Kernel.gettid());
    }
    assertThat(Thread.activeCount()).isLessThanOrEqualTo(before);
  }

  @Test
  void eachRunGetsANewThread() {
    Requirements.requireRoot();
    int first = NamespaceThread.run("a", List.of(), TIMEOUT, Kernel::gettid);
    int second = NamespaceThread.run("b", List.of(), TIMEOUT, Kernel::gettid);
    assertThat(first).isNotEqualTo(second).isNotEqualTo(Kernel.gettid());
  }

  @Test
  void kernelErrorsNameTheOperationTheErrnoAndTheTarget() {
    Requirements.requireRoot();
    assertThatThrownBy(
            () ->
                NamespaceThread.run(
                    "fail",
                    List.of(),
                    TIMEOUT,
                    () -> {
                      Kernel.setns(-1, Linux.CLONE_NEWCGROUP);
                      return null;
                    }))
        .isInstanceOfSatisfying(
            KernelException.class,
            e -> {
              assertThat(e.operation()).isEqualTo("setns");
              assertThat(e.errnoName()).isEqualTo("EBADF");
              assertThat(e.getMessage()).contains("setns").contains("EBADF").contains("fd -1");
            });
  }

  @Test
  void aReservedThreadEndsUnusedWhenClosedAndRunsOnlyOnce() {
    Requirements.requireRoot();
    try (NamespaceThread.Reserved unused = NamespaceThread.reserve("unused", List.of())) {
      assertThat(namespaceThreads()).isEqualTo(1);
    }
    assertThat(namespaceThreads()).isZero();

    try (NamespaceThread.Reserved once = NamespaceThread.reserve("once", List.of())) {
      assertThat(once.run(TIMEOUT, () -> "done")).isEqualTo("done");
      assertThatThrownBy(() -> once.run(TIMEOUT, () -> "again"))
          .hasMessageContaining("used already");
    }
    assertThat(namespaceThreads()).isZero();
  }

  private static long namespaceThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("cgroupns-") && t.isAlive())
        .count();
  }

  @Test
  void openingAMissingFileGivesEnoent() {
    assertThatThrownBy(() -> Kernel.open("/nonexistent/cgroupns-test", Linux.O_RDONLY))
        .isInstanceOfSatisfying(
            KernelException.class, e -> assertThat(e.errno()).isEqualTo(Linux.ENOENT));
  }
}
