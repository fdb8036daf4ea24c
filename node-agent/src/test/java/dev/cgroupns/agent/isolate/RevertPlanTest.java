package dev.cgroupns.agent.isolate;

import static dev.cgroupns.agent.isolate.PlanFixtures.CONTAINER;
import static dev.cgroupns.agent.isolate.PlanFixtures.containerCgroups;
import static dev.cgroupns.agent.isolate.PlanFixtures.containerMounts;
import static dev.cgroupns.agent.isolate.PlanFixtures.hostLayout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.inspect.CgroupNamespace;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.ProcessIdentity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RevertPlanTest {
  private static final ProcessIdentity PROCESS = new ProcessIdentity(4242, 987654);

  private static RevertRecord recordOfIsolatingTheHostTree() {
    IsolationPlan plan =
        IsolationPlanner.plan(
            PROCESS,
            CgroupNamespace.HOST,
            containerCgroups(),
            containerMounts("/", "rw,relatime", ""),
            hostLayout(),
            true);
    return RevertRecords.recordFor(PROCESS, plan, Optional.empty());
  }

  @Test
  void theRecordKeepsWhatTheRuntimeMade() {
    RevertRecord record = recordOfIsolatingTheHostTree();

    assertThat(record.mounts()).hasSize(10);
    assertThat(record.mounts().get(3))
        .isEqualTo(
            new RevertRecord.RecordedMount(
                "/sys/fs/cgroup/memory",
                false,
                java.util.List.of("memory"),
                "/",
                java.util.List.of("rw", "relatime"),
                CONTAINER,
                true));
  }

  @Test
  void aSecondIsolationDoesNotOverwriteTheOriginals() {
    RevertRecord first = recordOfIsolatingTheHostTree();
    IsolationPlan toReadWrite =
        IsolationPlanner.plan(
            PROCESS,
            CgroupNamespace.HOST,
            containerCgroups(),
            containerMounts(CONTAINER, "ro", ""),
            hostLayout(),
            false);

    RevertRecord second = RevertRecords.recordFor(PROCESS, toReadWrite, Optional.of(first));

    assertThat(second.mounts())
        .extracting(RevertRecord.RecordedMount::originalRoot)
        .containsOnly("/");
    assertThat(second.mounts())
        .extracting(RevertRecord.RecordedMount::isolatedReadOnly)
        .containsOnly(false);
    assertThat(second.createdAt()).isEqualTo(first.createdAt());
  }

  @Test
  void revertPutsTheOriginalRootsBackThroughTheAgentsMounts() {
    RevertPlan plan =
        RevertPlan.of(
            recordOfIsolatingTheHostTree(), containerMounts(CONTAINER, "ro", ""), hostLayout());

    assertThat(plan.refusals()).isEmpty();
    assertThat(plan.steps()).hasSize(10);
    assertThat(plan.steps().get(3).originalDirectory()).isEqualTo(Path.of("/sys/fs/cgroup/memory"));
    assertThat(plan.steps().get(3).currentMountId()).isEqualTo(104);
    assertThat(plan.describe().get(3))
        .isEqualTo("/sys/fs/cgroup/memory: root " + CONTAINER + " -> / rw,relatime");
  }

  @Test
  void aMountPointLeftEmptyByAnInterruptedIsolationGetsItsOriginalBack() {
    RevertPlan plan =
        RevertPlan.of(
            recordOfIsolatingTheHostTree(),
            containerMounts(CONTAINER, "ro", "").stream()
                .filter(m -> !m.mountPoint().equals("/sys/fs/cgroup/blkio"))
                .toList(),
            hostLayout());

    assertThat(plan.refusals()).isEmpty();
    assertThat(plan.steps()).hasSize(10);
    assertThat(plan.steps().get(6).recorded().mountPoint()).isEqualTo("/sys/fs/cgroup/blkio");
    assertThat(plan.steps().get(6).currentMountId()).isEqualTo(MountChange.NOTHING_MOUNTED);
    assertThat(plan.steps().get(6).originalDirectory()).isEqualTo(Path.of("/sys/fs/cgroup/blkio"));
  }

  @Test
  void aMountPointAnInterruptedRevertAlreadyPutBackIsLeftAsItIs() {
    // The agent was killed after putting back blkio and the ones before it.
    List<MountInfoEntry> halfReverted = new ArrayList<>();
    List<MountInfoEntry> original = containerMounts("/", "rw,relatime", "");
    List<MountInfoEntry> isolated = containerMounts(CONTAINER, "ro", "");
    for (int i = 0; i < original.size(); i++) {
      boolean putBack =
          original.get(i).mountPoint().compareTo("/sys/fs/cgroup/c") < 0
              || original.get(i).mountPoint().equals("/sys/fs/cgroup/blkio");
      halfReverted.add(putBack ? original.get(i) : isolated.get(i));
    }

    RevertPlan plan = RevertPlan.of(recordOfIsolatingTheHostTree(), halfReverted, hostLayout());

    assertThat(plan.refusals()).isEmpty();
    assertThat(plan.steps())
        .extracting(s -> s.recorded().mountPoint())
        .hasSize(9)
        .doesNotContain("/sys/fs/cgroup/blkio");
    // Everything back already (killed before the record was deleted): nothing left to do.
    assertThat(RevertPlan.of(recordOfIsolatingTheHostTree(), original, hostLayout()).steps())
        .isEmpty();
  }

  @Test
  void aMountChangedSinceIsolationIsRefusedNotGuessed() {
    RevertPlan plan =
        RevertPlan.of(
            recordOfIsolatingTheHostTree(),
            containerMounts("/somewhere/else", "ro", ""),
            hostLayout());

    assertThat(plan.refusals())
        .hasSize(10)
        .allSatisfy(r -> assertThat(r).contains("changed since"));
  }
}
