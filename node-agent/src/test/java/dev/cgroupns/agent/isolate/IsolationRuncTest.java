package dev.cgroupns.agent.isolate;

import static dev.cgroupns.agent.runc.RuncFixture.identity;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.inspect.CgroupMountView;
import dev.cgroupns.agent.inspect.CgroupRelation;
import dev.cgroupns.agent.inspect.ContainerInspection;
import dev.cgroupns.agent.inspect.ContainerInspector;
import dev.cgroupns.agent.inspect.ContainerInspectorRuncTest;
import dev.cgroupns.agent.isolate.IsolationOutcome.Result;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.agent.testing.HostLayout;
import dev.cgroupns.agent.testing.HostMountTable;
import dev.cgroupns.api.v1alpha1.IsolationMode;
import dev.cgroupns.api.v1alpha1.MountState;
import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Isolation of real runc containers, checked from inside each container with runc exec (no shell),
 * with the host's mountinfo compared byte for byte around every test.
 */
class IsolationRuncTest {
  private RuncFixture runc;
  private HostMountTable hostMounts;
  private ContainerIsolator isolator;
  private StateStore store;
  private final ProcFs procFs = ProcFs.host();
  private final ContainerInspector inspector = ContainerInspector.comparingWithSelf(procFs);

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
    } finally {
      runc.close();
    }
  }

  @Test
  void hostCgroupfsContainerEndsUpSeeingOnlyItsOwnSubtreeReadOnlyThenRevertRestoresIt() {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
    List<String> originalView = cgroupMountsSeenInside(c);

    IsolationOutcome outcome = isolator.isolate(IsolationRequest.of(identity(c)));

    assertThat(outcome.result()).isEqualTo(Result.ISOLATED);
    assertThat(outcome.changes()).hasSize(originalView.size());
    assertThat(store.recordFile(identity(c))).exists();
    assertSeesOnlyItsOwnSubtree(c, true);

    assertThat(isolator.isolate(IsolationRequest.of(identity(c))).result())
        .isEqualTo(Result.ALREADY_ISOLATED);

    IsolationOutcome reverted = isolator.revert(identity(c), false);
    assertThat(reverted.result()).isEqualTo(Result.REVERTED);
    assertThat(cgroupMountsSeenInside(c)).containsExactlyElementsOf(originalView);
    assertThat(isolator.revert(identity(c), false).result()).isEqualTo(Result.NOTHING_TO_REVERT);
  }

  @Test
  void aContainerIsolatedWhileItWaitsToBeStartedRunsItsProgramIsolated() {
    DemoContainer c = runc.create(ContainerSpec.privilegedPod());
    ProcessIdentity waiting = identity(c);
    assertThat(procFs.comm(c.pid())).isEqualTo("runc:[2:INIT]");
    List<String> originalView = mountsOf(c.pid());

    assertThat(isolator.isolate(IsolationRequest.of(waiting)).result()).isEqualTo(Result.ISOLATED);
    runc.startCreated(c);

    // The exec keeps the process: the record made for runc's init is the program's.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> procFs.comm(c.pid()).equals("sleep"));
    assertThat(identity(c)).isEqualTo(waiting);
    assertSeesOnlyItsOwnSubtree(c, true);
    assertThat(isolator.revert(waiting, false).result()).isEqualTo(Result.REVERTED);
    assertThat(mountsOf(c.pid())).containsExactlyElementsOf(originalView);
  }

  @Test
  void systemdNamedContainerWithWritableBindMountsBecomesReadOnly() {
    DemoContainer c =
        runc.start(
            ContainerSpec.plain()
                .withDriver(ContainerSpec.Driver.SYSTEMD_NAMES)
                .withWritableCgroupMount());
    assertThat(inspector.inspect(identity(c)).mountState()).isEqualTo(MountState.ReadWrite);

    IsolationOutcome outcome = isolator.isolate(IsolationRequest.of(identity(c)));

    assertThat(outcome.result()).isEqualTo(Result.ISOLATED);
    assertSeesOnlyItsOwnSubtree(c, true);
  }

  @Test
  void readWriteIsolationLeavesTheMountsWritable() {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());

    assertThat(
            isolator
                .isolate(IsolationRequest.of(identity(c)).withAccess(MountAccess.READ_WRITE))
                .result())
        .isEqualTo(Result.ISOLATED);

    assertSeesOnlyItsOwnSubtree(c, false);
  }

  @Test
  void sharedMountsAreMadeSlaveBeforeTheSwapAndRevertStillWorks() {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs().withSharedPropagation());
    List<String> originalView = cgroupMountsSeenInside(c);
    assertThat(c.exec("cat", "/proc/self/mountinfo")).contains(" shared:");

    IsolationOutcome outcome = isolator.isolate(IsolationRequest.of(identity(c)));

    assertThat(outcome.result()).isEqualTo(Result.ISOLATED);
    assertThat(outcome.notes()).contains("/sys/fs/cgroup is shared; made slave first");
    assertSeesOnlyItsOwnSubtree(c, true);
    assertThat(cgroupMountEntriesInside(c))
        .allSatisfy(m -> assertThat(m.isShared()).as(m.mountPoint()).isFalse());
    assertThat(isolator.revert(identity(c), false).result()).isEqualTo(Result.REVERTED);
    assertThat(cgroupMountsSeenInside(c)).containsExactlyElementsOf(originalView);
  }

  @Test
  void runcDefaultContainerIsLeftAsItIsOnV1AndNarrowedOnV2() {
    DemoContainer c = runc.start(ContainerSpec.plain());
    List<String> before = cgroupMountsSeenInside(c);

    IsolationOutcome outcome = isolator.isolate(IsolationRequest.of(identity(c)));

    if (HostLayout.pureV2()) {
      // Without a cgroup namespace runc mounts cgroup2 itself: the whole tree, read-only.
      assertThat(before).singleElement().asString().startsWith("/sys/fs/cgroup / ");
      assertThat(outcome.result()).isEqualTo(Result.ISOLATED);
      assertSeesOnlyItsOwnSubtree(c, true);
      assertThat(isolator.revert(identity(c), false).result()).isEqualTo(Result.REVERTED);
      assertThat(cgroupMountsSeenInside(c)).isEqualTo(before);
    } else {
      // On v1 it binds the container's own cgroup of each hierarchy: nothing to narrow.
      assertThat(outcome.result()).isEqualTo(Result.ALREADY_ISOLATED);
      assertThat(cgroupMountsSeenInside(c)).isEqualTo(before);
      assertThat(store.recordFile(identity(c))).doesNotExist();
    }
  }

  /**
   * A container that made cgroups below its own (as systemd in a container makes init.scope and its
   * slices) still has them, and sees them, once narrowed.
   */
  @Test
  void cgroupsAContainerMadeBelowItsOwnStayWholeAndVisible() {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
    List<MountInfoEntry> mounts = cgroupMountEntriesInside(c);
    for (MountInfoEntry mount : mounts) {
      c.exec("mkdir", "-p", mount.mountPoint() + c.cgroupsPath() + "/init.scope/inner");
    }

    assertThat(isolator.isolate(IsolationRequest.of(identity(c))).result())
        .isEqualTo(Result.ISOLATED);

    assertSeesOnlyItsOwnSubtree(c, true);
    for (MountInfoEntry mount : mounts) {
      assertThat(listInside(c, mount.mountPoint() + "/init.scope"))
          .as(mount.mountPoint() + "/init.scope inside")
          .contains("inner", "cgroup.procs");
    }
  }

  @Test
  void privateNamespaceContainerIsLeftAloneEvenWithTheHostCgroupfs() {
    DemoContainer c = runc.start(ContainerSpec.plain().withCgroupNamespace().withHostCgroupfs());
    String before = c.exec("cat", "/proc/self/mountinfo");

    IsolationOutcome outcome = isolator.isolate(IsolationRequest.of(identity(c)));

    assertThat(outcome.result()).isEqualTo(Result.ALREADY_PRIVATE);
    assertThat(c.exec("cat", "/proc/self/mountinfo")).isEqualTo(before);
  }

  @Test
  void auditReportsEveryChangeAndChangesNothing() {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());
    String before = c.exec("cat", "/proc/self/mountinfo");

    IsolationOutcome outcome =
        isolator.isolate(IsolationRequest.of(identity(c)).withMode(IsolationMode.Audit));

    assertThat(outcome.result()).isEqualTo(Result.WOULD_CHANGE);
    assertThat(outcome.changes())
        .hasSize(cgroupMountsSeenInside(c).size())
        .allSatisfy(line -> assertThat(line).contains(c.cgroupsPath() + " ro"));
    assertThat(c.exec("cat", "/proc/self/mountinfo")).isEqualTo(before);
    assertThat(store.recordFile(identity(c))).doesNotExist();
  }

  @Test
  void processesWithoutAMountNamespaceOfTheirOwnAreRefusedAndNoMountIsTouched() throws Exception {
    // A host process: what a forged pod status, or a hostPID pod whose init entered the host's
    // mount namespace, would name.
    Process onTheHost = new ProcessBuilder("sleep", "600").start();
    // A process in the namespace its parent made and stays in: as runc's init before it left the
    // host's, or anything a container's runtime has not finished setting up.
    Process parent =
        new ProcessBuilder(
                "unshare", "--mount", "--propagation", "private", "sh", "-c", "sleep 600 & wait")
            .start();
    try {
      ProcessIdentity host = procFs.identity((int) onTheHost.pid()).orElseThrow();
      IsolationOutcome refused = isolator.isolate(IsolationRequest.of(host));
      assertThat(refused.result()).isEqualTo(Result.REFUSED);
      assertThat(refused.notes())
          .singleElement()
          .asString()
          .contains("agent's own mount namespace");
      assertThat(isolator.plan(host, true).verdict()).isEqualTo(IsolationPlan.Verdict.REFUSED);

      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> parent.toHandle().children().findAny().isPresent());
      int child = (int) parent.toHandle().children().findFirst().orElseThrow().pid();
      ProcessIdentity sharing = procFs.identity(child).orElseThrow();
      assertThat(procFs.namespaceInode(child, "mnt"))
          .isNotEqualTo(procFs.namespaceInode((int) ProcessHandle.current().pid(), "mnt"));
      IsolationOutcome alsoRefused = isolator.isolate(IsolationRequest.of(sharing));
      assertThat(alsoRefused.result()).isEqualTo(Result.REFUSED);
      assertThat(alsoRefused.notes())
          .singleElement()
          .asString()
          .contains("process that started it");
      assertThat(store.recordFile(sharing)).doesNotExist();
    } finally {
      parent.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      parent.destroyForcibly();
      onTheHost.destroyForcibly();
    }
  }

  @Test
  void trapBinariesInTheContainerNeverRun() {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs().withTraps());

    assertThat(isolator.isolate(IsolationRequest.of(identity(c))).result())
        .isEqualTo(Result.ISOLATED);
    inspector.inspect(identity(c));
    assertThat(isolator.revert(identity(c), false).result()).isEqualTo(Result.REVERTED);

    assertThat(c.trapMarkers()).as("traps that ran").isEmpty();
    assertThat(c.rootfs().resolve("bin/mount")).isRegularFile(); // the traps are in place
    Path plantedClass =
        c.rootfs()
            .resolve(
                Path.of(
                        MountSwapper.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .getPath())
                    .toString()
                    .substring(1));
    assertThat(plantedClass).as("class path traps are in place").exists();
  }

  /** From inside: every cgroupfs mount shows the container's own cgroup, with the given access. */
  private void assertSeesOnlyItsOwnSubtree(DemoContainer c, boolean readOnly) {
    List<MountInfoEntry> mounts = cgroupMountEntriesInside(c);
    assertThat(mounts).isNotEmpty();
    for (MountInfoEntry mount : mounts) {
      assertThat(mount.root()).as(mount.mountPoint()).isEqualTo(c.cgroupsPath());
      assertThat(mount.readOnly()).as(mount.mountPoint() + " read-only").isEqualTo(readOnly);
      Path hostDir = hostDirectory(mount, c.cgroupsPath());
      assertThat(listInside(c, mount.mountPoint()))
          .as("what " + mount.mountPoint() + " lists inside")
          .containsExactlyInAnyOrderElementsOf(listOnHost(hostDir));
    }
    ContainerInspection inspection = inspector.inspect(identity(c));
    assertThat(inspection.mounts())
        .extracting(CgroupMountView::relation)
        .containsOnly(CgroupRelation.OWN_SUBTREE);
    assertThat(inspection.mountState())
        .isEqualTo(readOnly ? MountState.ReadOnly : MountState.ReadWrite);
    ContainerInspectorRuncTest.assertMatchesWhatTheContainerReads(c, inspection);
  }

  private static Path hostDirectory(MountInfoEntry mount, String cgroupPath) {
    Path hierarchy =
        mount.isCgroupV2()
            ? HostLayout.cgroup2MountPoint()
            : Path.of("/sys/fs/cgroup").resolve(Path.of(mount.mountPoint()).getFileName());
    return hierarchy.resolve(cgroupPath.substring(1));
  }

  private static List<String> listInside(DemoContainer c, String dir) {
    return Arrays.stream(c.exec("ls", "-1a", dir).split("\n"))
        .filter(s -> !s.isBlank() && !s.equals(".") && !s.equals(".."))
        .toList();
  }

  private static List<String> listOnHost(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<MountInfoEntry> cgroupMountEntriesInside(DemoContainer c) {
    return MountInfoParser.parse(c.exec("cat", "/proc/self/mountinfo")).entries().stream()
        .filter(MountInfoEntry::isCgroup)
        .toList();
  }

  /** mount point, root, per-mount options and fs type of each cgroupfs mount, seen inside. */
  /** The cgroup mounts of a process, read from the host (a created container runs no exec). */
  private List<String> mountsOf(int pid) {
    return procFs.mountInfo(pid).cgroupMounts().stream()
        .map(m -> m.mountPoint() + " " + m.root() + " " + String.join(",", m.mountOptions()))
        .toList();
  }

  static List<String> cgroupMountsSeenInside(DemoContainer c) {
    return cgroupMountEntriesInside(c).stream()
        .map(
            m ->
                m.mountPoint()
                    + " "
                    + m.root()
                    + " "
                    + String.join(",", m.mountOptions())
                    + " "
                    + m.fsType())
        .toList();
  }
}
