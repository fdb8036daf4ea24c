package dev.cgroupns.agent.isolate;

import static dev.cgroupns.agent.isolate.PlanFixtures.CONTAINER;
import static dev.cgroupns.agent.isolate.PlanFixtures.containerCgroups;
import static dev.cgroupns.agent.isolate.PlanFixtures.containerMounts;
import static dev.cgroupns.agent.isolate.PlanFixtures.hostLayout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.inspect.CgroupNamespace;
import dev.cgroupns.agent.isolate.IsolationPlan.SharedMount;
import dev.cgroupns.agent.isolate.IsolationPlan.Verdict;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.ProcessIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IsolationPlannerTest {
  private static final ProcessIdentity PROCESS = new ProcessIdentity(4242, 987654);

  private static IsolationPlan plan(List<MountInfoEntry> mounts, boolean readOnly) {
    return IsolationPlanner.plan(
        PROCESS, CgroupNamespace.HOST, containerCgroups(), mounts, hostLayout(), readOnly);
  }

  @Test
  void hostTreeExposedReadWriteIsReplacedEverywhereByItsOwnSubtreeReadOnly() {
    IsolationPlan plan = plan(containerMounts("/", "rw,relatime", ""), true);

    assertThat(plan.verdict()).isEqualTo(Verdict.CHANGE);
    assertThat(plan.changes()).hasSize(10);
    assertThat(plan.changes())
        .allSatisfy(
            c -> {
              assertThat(c.currentRoot()).isEqualTo("/");
              assertThat(c.targetRoot()).isEqualTo(CONTAINER);
              assertThat(c.targetReadOnly()).isTrue();
              assertThat(c.reason()).isEqualTo("shows more than its own subtree");
            });
    assertThat(plan.changes().get(9).v2()).isTrue();
    assertThat(plan.changes().get(8).hierarchy().controllers()).containsExactly("name=systemd");
    assertThat(plan.sharedMountsToSlave()).isEmpty();
  }

  @Test
  void ownSubtreeReadOnlyIsAlreadyIsolatedAndChangesNothing() {
    IsolationPlan plan =
        plan(containerMounts(CONTAINER, "ro,nosuid,nodev,noexec,relatime", ""), true);

    assertThat(plan.verdict()).isEqualTo(Verdict.ALREADY_ISOLATED);
    assertThat(plan.changes()).isEmpty();
  }

  @Test
  void ownSubtreeWritableOnlyChangesTheAccess() {
    IsolationPlan plan = plan(containerMounts(CONTAINER, "rw,nosuid", ""), true);

    assertThat(plan.verdict()).isEqualTo(Verdict.CHANGE);
    assertThat(plan.changes()).extracting(MountChange::reason).containsOnly("writable");
  }

  @Test
  void readWriteRequestOnReadWriteOwnSubtreeIsAlreadyIsolated() {
    assertThat(plan(containerMounts(CONTAINER, "rw", ""), false).verdict())
        .isEqualTo(Verdict.ALREADY_ISOLATED);
    assertThat(plan(containerMounts(CONTAINER, "ro", ""), false).changes())
        .extracting(MountChange::reason)
        .containsOnly("read-only");
  }

  @Test
  void aSiblingsCgroupIsReplacedAndANarrowerOneIsLeftAlone() {
    List<MountInfoEntry> mounts = new ArrayList<>(containerMounts(CONTAINER + "/sub", "ro", ""));
    IsolationPlan narrower = plan(mounts, true);
    assertThat(narrower.verdict()).isEqualTo(Verdict.ALREADY_ISOLATED);
    assertThat(narrower.notes()).hasSize(10).allSatisfy(n -> assertThat(n).contains("left as is"));

    IsolationPlan sibling = plan(containerMounts("/kubepods/besteffort/other", "ro", ""), true);
    assertThat(sibling.changes())
        .extracting(MountChange::reason)
        .containsOnly("shows cgroups other than its own");
  }

  @Test
  void sharedParentIsMadeSlaveFirstOnce() {
    IsolationPlan plan = plan(containerMounts("/", "rw", "shared:7"), true);

    assertThat(plan.sharedMountsToSlave()).containsExactly(new SharedMount(100, "/sys/fs/cgroup"));
  }

  @Test
  void aMountCoveredByAnotherAtTheSameMountPointIsIgnored() {
    String text =
        "100 90 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
            + "101 100 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
            + "102 101 0:32 "
            + CONTAINER
            + " /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n";

    IsolationPlan plan = plan(PlanFixtures.parse(text), true);

    assertThat(plan.verdict()).isEqualTo(Verdict.ALREADY_ISOLATED);
  }

  @Test
  void theRecordKeepsWhoItWasIsolatedForButNeverAdoptsACliRecord() {
    IsolationPlan plan = plan(containerMounts("/", "rw,relatime", ""), true);
    RecordOwner first = owner("11111111-1111-1111-1111-111111111111");
    RecordOwner second = owner("22222222-2222-2222-2222-222222222222");
    RevertRecord cli = RevertRecords.recordFor(PROCESS, plan, Optional.empty());
    RevertRecord daemons = RevertRecords.recordFor(PROCESS, plan, Optional.empty(), first);

    assertThat(cli.owner()).isNull();
    assertThat(daemons.owner()).isEqualTo(first);
    // What a person isolated by hand stays theirs, even when the daemon re-isolates it.
    assertThat(RevertRecords.recordFor(PROCESS, plan, Optional.of(cli), first).owner()).isNull();
    // The CLI re-isolating the daemon's container does not take it away from its object.
    assertThat(RevertRecords.recordFor(PROCESS, plan, Optional.of(daemons), null).owner())
        .isEqualTo(first);
    assertThat(RevertRecords.recordFor(PROCESS, plan, Optional.of(daemons), second).owner())
        .isEqualTo(second);
  }

  private static RecordOwner owner(String objectUid) {
    return new RecordOwner(
        objectUid,
        "team",
        "iso-node-a",
        "iso",
        "web-0",
        "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa",
        "app",
        "containerd://" + "c".repeat(64));
  }

  @Test
  void aMountPointAKilledIsolationLeftEmptyGetsItsIsolatedMountAgain() {
    // Killed between detaching blkio's original and moving its replacement there: the record
    // names blkio, the container has nothing mounted there, the other hierarchies are isolated.
    RevertRecord record =
        RevertRecords.recordFor(
            PROCESS, plan(containerMounts("/", "rw,relatime", "shared:7"), true), Optional.empty());
    List<MountInfoEntry> halfDone =
        containerMounts(CONTAINER, "ro,nosuid,nodev,noexec,relatime", "shared:7").stream()
            .filter(m -> !m.mountPoint().equals("/sys/fs/cgroup/blkio"))
            .toList();

    IsolationPlan plan =
        IsolationPlanner.plan(
            PROCESS,
            CgroupNamespace.HOST,
            containerCgroups(),
            halfDone,
            hostLayout(),
            true,
            Optional.of(record));

    assertThat(plan.verdict()).isEqualTo(Verdict.CHANGE);
    assertThat(plan.changes())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.lost()).isTrue();
              assertThat(c.mountPoint()).isEqualTo("/sys/fs/cgroup/blkio");
              assertThat(c.hierarchy().controllers()).containsExactly("blkio");
              assertThat(c.targetRoot()).isEqualTo(CONTAINER);
              assertThat(c.targetReadOnly()).isTrue();
            });
    // The shared tmpfs holding the empty mount point is made slave before anything is moved there.
    assertThat(plan.sharedMountsToSlave()).containsExactly(new SharedMount(100, "/sys/fs/cgroup"));
    // A second isolation keeps the original the runtime made in the record.
    assertThat(RevertRecords.recordFor(PROCESS, plan, Optional.of(record))).isEqualTo(record);
    // Without the record nothing says a mount is missing: only what is visible counts.
    assertThat(plan(halfDone, true).verdict()).isEqualTo(Verdict.ALREADY_ISOLATED);
  }

  @Test
  void privateNamespaceIsLeftAloneAndUnknownIsRefused() {
    List<MountInfoEntry> mounts = containerMounts("/", "rw", "");
    assertThat(
            IsolationPlanner.plan(
                    PROCESS,
                    CgroupNamespace.PRIVATE,
                    containerCgroups(),
                    mounts,
                    hostLayout(),
                    true)
                .verdict())
        .isEqualTo(Verdict.ALREADY_PRIVATE);
    IsolationPlan unknown =
        IsolationPlanner.plan(
            PROCESS, CgroupNamespace.UNKNOWN, containerCgroups(), mounts, hostLayout(), true);
    assertThat(unknown.verdict()).isEqualTo(Verdict.REFUSED);
    assertThat(unknown.notes()).singleElement().asString().contains("cannot tell");
  }

  @Test
  void noCgroupMountsMeansNothingToDo() {
    List<MountInfoEntry> mounts = PlanFixtures.parse("90 80 0:50 / / rw - overlay overlay rw\n");

    assertThat(plan(mounts, true).verdict()).isEqualTo(Verdict.NO_CGROUP_MOUNTS);
  }

  @Test
  void aHierarchyTheAgentCannotReachIsRefused() {
    String text =
        "100 90 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
            + "101 100 0:60 / /sys/fs/cgroup/rdma rw - cgroup cgroup rw,rdma\n";
    List<dev.cgroupns.agent.proc.CgroupLine> lines = new ArrayList<>(containerCgroups());
    lines.add(new dev.cgroupns.agent.proc.CgroupLine(10, List.of("rdma"), "/"));

    IsolationPlan plan =
        IsolationPlanner.plan(
            PROCESS, CgroupNamespace.HOST, lines, PlanFixtures.parse(text), hostLayout(), true);

    assertThat(plan.verdict()).isEqualTo(Verdict.REFUSED);
    assertThat(plan.notes()).singleElement().asString().contains("rdma").contains("not mounted");
  }

  @Test
  void describeSaysWhatIsReplacedByWhat() {
    MountChange change = plan(containerMounts("/", "rw", ""), true).changes().get(3);

    assertThat(change.describe())
        .isEqualTo(
            "/sys/fs/cgroup/memory: memory root / rw -> "
                + CONTAINER
                + " ro (shows more than its own subtree)");
  }

  @Test
  void aCgroupfsMountPointOutsidePrintableAsciiRefusesTheWholeContainer() throws Exception {
    String utf8 =
        "100 90 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
            + "101 100 0:40 / /sys/fs/cgroup/m\u00e9moire rw - cgroup cgroup rw,memory\n";
    byte[] latin1 =
        ("100 90 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
                + "101 100 0:40 / /sys/fs/cgroup/m\u00e9moire rw - cgroup cgroup rw,memory\n")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    for (List<MountInfoEntry> mounts :
        List.of(
            PlanFixtures.parse(utf8),
            dev.cgroupns.agent.proc.MountInfoParser.readCgroupMounts(
                    new java.io.ByteArrayInputStream(latin1))
                .entries())) {
      IsolationPlan plan = plan(mounts, true);
      assertThat(plan.verdict()).isEqualTo(Verdict.REFUSED);
      assertThat(plan.changes()).isEmpty();
      assertThat(plan.notes())
          .singleElement()
          .asString()
          .contains("not plain ASCII")
          .contains("\\u");
    }
  }
}
