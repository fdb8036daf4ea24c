package dev.cgroupns.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.agent.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
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

  /**
   * A thread the caller gave up on keeps its fds until it ends, and then closes them itself; once
   * abandoned it stops at its next checkpoint instead of acting late.
   */
  @Test
  void anAbandonedThreadKeepsItsFdsUntilItEndsAndActsNoMore() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean actedLate = new AtomicBoolean();
    NamespaceThread.Reserved thread = NamespaceThread.reserve("abandoned", List.of());
    int fd = thread.descriptors().keep(Kernel.open("/proc/self/stat", Linux.O_RDONLY));
    java.nio.file.Path link = Path.of("/proc/self/fd/" + fd);

    assertThatThrownBy(
            () ->
                thread.run(
                    Duration.ofMillis(50),
                    () -> {
                      release.await();
                      thread.requireInTime();
                      actedLate.set(true);
                      return null;
                    }))
        .isInstanceOf(NamespaceThreadTimeoutException.class);
    assertThat(Files.readSymbolicLink(link).toString())
        .as("the abandoned thread's fd is still open")
        .isEqualTo("/proc/" + ProcessHandle.current().pid() + "/stat");

    release.countDown();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(thread::finished);
    assertThat(actedLate).as("the abandoned task went on after its checkpoint").isFalse();
    assertThat(thread.descriptors().isClosed()).isTrue();
  }
}
