package dev.cgroupns.agent.isolate;

import static dev.cgroupns.agent.runc.RuncFixture.identity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.inspect.PidReusedException;
import dev.cgroupns.agent.kernel.Kernel;
import dev.cgroupns.agent.kernel.Linux;
import dev.cgroupns.agent.kernel.NamespaceThread;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.proc.ProcessVanishedException;
import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.agent.testing.HostLayout;
import dev.cgroupns.agent.testing.HostMountTable;
import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults at the worst moment: right before the agent's thread joins the container's cgroups and
 * enters its mount namespace. Each must give a clear error, leave the container exactly as it was
 * (or gone), leave the host's mounts alone, and leak no thread and no fd.
 */
class IsolationFaultRuncTest {
  private RuncFixture runc;
  private HostMountTable hostMounts;
  private StateStore store;
  private ContainerIsolator isolator;
  private final ProcFs procFs = ProcFs.host();

  @BeforeEach
  void setUp() throws IOException {
    runc = RuncFixture.create();
    hostMounts = HostMountTable.snapshot();
    store = new StateStore(runc.workDir().resolve("state"));
    isolator = ContainerIsolator.create(procFs, CgroupLayout.detect(procFs, null), store);
  }

  @AfterEach
  void tearDown() throws IOException {
    // Null when setUp was skipped (no root, runc or busybox): nothing to check or close.
    if (runc == null) {
      return;
    }
    try {
      hostMounts.assertUnchanged();
      assertThat(namespaceThreads()).as("namespace threads still alive").isZero();
    } finally {
      runc.close();
    }
  }

  @Test
  void containerThatExitsDuringIsolationGivesAClearErrorAndNoRecord() {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
    ProcessIdentity id = identity(c);
    long fds = openFds();

    assertThatThrownBy(
            () ->
                isolator
                    .withObserver(
                        (step, p) -> {
                          if (step == IsolationObserver.Step.BEFORE_NAMESPACE_SWITCH) {
                            c.kill();
                          }
                        })
                    .isolate(IsolationRequest.of(id)))
        .isInstanceOf(ProcessVanishedException.class)
        .hasMessageContaining("exited");

    assertThat(openFds()).isEqualTo(fds);
    assertThat(store.recordFile(id)).doesNotExist();
  }

  @Test
  void containerWhoseCgroupIsRemovedIsLeftAsItWas() throws IOException {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
    ProcessIdentity id = identity(c);
    // Read from the host: runc exec cannot join a container whose cgroup was removed.
    List<String> before = cgroupMountsReadFromHost(c);
    long fds = openFds();
    // The container's cgroup in one hierarchy: memory on v1; the only one on pure v2.
    boolean v2 = HostLayout.pureV2();
    Path hierarchy = v2 ? HostLayout.cgroup2MountPoint() : Path.of("/sys/fs/cgroup/memory");
    Path memory = hierarchy.resolve(c.cgroupsPath().substring(1));
    // v1: the pod's cgroup. v2 lets no process into a cgroup whose children have controllers
    // enabled, which the pod's cgroup has; the root cgroup is exempt.
    Path moveTo = v2 ? hierarchy : memory.getParent();

    IsolationObserver removeCgroup =
        (step, p) -> {
          if (step != IsolationObserver.Step.PLANNED) {
            return;
          }
          try {
            // Move the process out of its cgroup, then remove the container's cgroup.
            Files.writeString(moveTo.resolve("cgroup.procs"), Integer.toString(c.pid()));
            Files.delete(memory);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };

    assertThatThrownBy(() -> isolator.withObserver(removeCgroup).isolate(IsolationRequest.of(id)))
        .isInstanceOfSatisfying(
            IsolationFailedException.class,
            e -> {
              assertThat(e.containerUnchanged()).isTrue();
              assertThat(e.getMessage())
                  .contains(memory.getFileName().toString())
                  .contains("ENOENT")
                  .contains("left as it was");
            });

    assertThat(cgroupMountsReadFromHost(c)).isEqualTo(before);
    assertThat(openFds()).isEqualTo(fds);
    assertThat(store.recordFile(id)).doesNotExist();
  }

  private List<String> cgroupMountsReadFromHost(DemoContainer c) {
    return procFs.mountInfo(c.pid()).cgroupMounts().stream()
        .map(m -> m.mountId() + " " + m.mountPoint() + " " + m.root() + " " + m.mountOptions())
        .toList();
  }

  @Test
  void reusedPidIsRefusedBeforeAnythingHappens() {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
    ProcessIdentity real = identity(c);
    ProcessIdentity stale = new ProcessIdentity(real.pid(), real.startTime() + 1);
    List<String> before = IsolationRuncTest.cgroupMountsSeenInside(c);

    assertThatThrownBy(() -> isolator.isolate(IsolationRequest.of(stale)))
        .isInstanceOf(PidReusedException.class)
        .hasMessageContaining("reused");
    assertThatThrownBy(() -> isolator.revert(stale, false)).isInstanceOf(PidReusedException.class);

    assertThat(IsolationRuncTest.cgroupMountsSeenInside(c)).isEqualTo(before);
    assertThat(store.recordFile(real)).doesNotExist();
  }

  @Test
  void aSecondAgentAtTheSameTimeIsTurnedAwayAndTheFirstFinishes() {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
    ProcessIdentity id = identity(c);
    ContainerIsolator second =
        ContainerIsolator.create(procFs, CgroupLayout.detect(procFs, null), store);
    Throwable[] secondResult = new Throwable[1];

    IsolationObserver racingAgent =
        (step, p) -> {
          if (step != IsolationObserver.Step.BEFORE_NAMESPACE_SWITCH) {
            return;
          }
          try {
            second.isolate(IsolationRequest.of(id));
          } catch (RuntimeException e) {
            secondResult[0] = e;
          }
        };
    IsolationOutcome first = isolator.withObserver(racingAgent).isolate(IsolationRequest.of(id));

    assertThat(first.result()).isEqualTo(IsolationOutcome.Result.ISOLATED);
    assertThat(secondResult[0])
        .isInstanceOf(ContainerBusyException.class)
        .hasMessageContaining("another agent");
    assertThat(second.isolate(IsolationRequest.of(id)).result())
        .isEqualTo(IsolationOutcome.Result.ALREADY_ISOLATED);
  }

  @Test
  void aMountThatChangesUnderTheAgentRollsBackEveryReplacedMount() {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
    ProcessIdentity id = identity(c);
    List<String> before = IsolationRuncTest.cgroupMountsSeenInside(c);
    String last = before.get(before.size() - 1).split(" ")[0];
    long fds = openFds();

    assertThatThrownBy(
            () ->
                isolator
                    .withObserver(
                        (step, p) -> {
                          if (step == IsolationObserver.Step.BEFORE_NAMESPACE_SWITCH) {
                            unmountInside(c, last);
                          }
                        })
                    .isolate(IsolationRequest.of(id)))
        .isInstanceOfSatisfying(
            IsolationFailedException.class,
            e -> {
              assertThat(e.containerUnchanged()).isTrue();
              assertThat(e.getMessage()).contains(last).contains("as planned");
            });

    List<String> expected = before.stream().filter(line -> !line.startsWith(last + " ")).toList();
    assertThat(IsolationRuncTest.cgroupMountsSeenInside(c)).isEqualTo(expected);
    assertThat(openFds()).isEqualTo(fds);
    assertThat(store.recordFile(id)).doesNotExist();
  }

  @Test
  void aMountPointAKilledAgentLeftEmptyIsFilledByTheNextIsolationAndRestoredByRevert() {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
    ProcessIdentity id = identity(c);
    List<String> original = IsolationRuncTest.cgroupMountsSeenInside(c);
    String emptied = original.get(0).split(" ")[0];
    assertThat(isolator.isolate(IsolationRequest.of(id)).result())
        .isEqualTo(IsolationOutcome.Result.ISOLATED);
    List<String> isolated = IsolationRuncTest.cgroupMountsSeenInside(c);
    // What an agent killed between detaching the original mount and moving the new one there
    // leaves: the revert record, and nothing mounted at that mount point.
    unmountInside(c, emptied);
    assertThat(IsolationRuncTest.cgroupMountsSeenInside(c)).hasSize(original.size() - 1);

    IsolationOutcome repaired = isolator.isolate(IsolationRequest.of(id));

    assertThat(repaired.result()).isEqualTo(IsolationOutcome.Result.ISOLATED);
    assertThat(repaired.changes()).singleElement().asString().startsWith(emptied + ":");
    assertThat(IsolationRuncTest.cgroupMountsSeenInside(c))
        .containsExactlyInAnyOrderElementsOf(isolated);

    unmountInside(c, emptied);
    assertThat(isolator.revert(id, false).result()).isEqualTo(IsolationOutcome.Result.REVERTED);
    assertThat(IsolationRuncTest.cgroupMountsSeenInside(c))
        .containsExactlyInAnyOrderElementsOf(original);
    assertThat(store.recordFile(id)).doesNotExist();
  }

  @Test
  void aRevertKilledBeforeItDeletedTheRecordIsFinishedByTheNextOne() throws IOException {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
    ProcessIdentity id = identity(c);
    List<String> original = IsolationRuncTest.cgroupMountsSeenInside(c);
    isolator.isolate(IsolationRequest.of(id));
    byte[] record = Files.readAllBytes(store.recordFile(id));
    assertThat(isolator.revert(id, false).result()).isEqualTo(IsolationOutcome.Result.REVERTED);
    // Killed after the last mount was put back, before the record was deleted.
    Files.write(store.recordFile(id), record);

    IsolationOutcome again = isolator.revert(id, false);

    assertThat(again.result()).isEqualTo(IsolationOutcome.Result.REVERTED);
    assertThat(IsolationRuncTest.cgroupMountsSeenInside(c))
        .containsExactlyInAnyOrderElementsOf(original);
    assertThat(store.recordFile(id)).doesNotExist();
  }

  /** What a process inside could do: unmount one of its cgroupfs mounts (done from the host). */
  private static void unmountInside(DemoContainer c, String mountPoint) {
    int ns = Kernel.open("/proc/" + c.pid() + "/ns/mnt", Linux.O_RDONLY);
    try {
      NamespaceThread.run(
          "test-umount",
          List.of(),
          Duration.ofSeconds(10),
          () -> {
            Kernel.setns(ns, Linux.CLONE_NEWNS);
            Kernel.umountDetach(mountPoint.substring(1)); // relative to the container's root
            return null;
          });
    } finally {
      Kernel.close(ns);
    }
  }

  /**
   * The JVM's open descriptors of the kinds the agent opens (files, directories, namespaces,
   * detached mounts). Jars opened by class loading and the sockets, pipes and selectors of other
   * threads come and go on their own, so they are left out: only a leak by the agent counts.
   */
  private static long openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.map(IsolationFaultRuncTest::target)
          .filter(t -> !t.endsWith(".jar") && !t.startsWith("socket:") && !t.startsWith("pipe:"))
          .filter(t -> !t.equals("anon_inode:[eventpoll]") && !t.equals("anon_inode:[eventfd]"))
          .count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String target(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (IOException e) {
      return "closed meanwhile"; // the listing's own descriptor, or one closed since
    }
  }

  private static long namespaceThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("cgroupns-"))
        .count();
  }
}
