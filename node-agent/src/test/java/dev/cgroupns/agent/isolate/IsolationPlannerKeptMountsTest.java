package dev.cgroupns.agent.isolate;

import static dev.cgroupns.agent.isolate.PlanFixtures.CONTAINER;
import static dev.cgroupns.agent.isolate.PlanFixtures.containerCgroups;
import static dev.cgroupns.agent.isolate.PlanFixtures.containerMounts;
import static dev.cgroupns.agent.isolate.PlanFixtures.hostLayout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.cgroup.CgroupLayout;
import dev.cgroupns.agent.inspect.CgroupNamespace;
import dev.cgroupns.agent.isolate.IsolationPlan.SharedMount;
import dev.cgroupns.agent.isolate.RevertRecord.RecordedMount;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.agent.proc.ProcessIdentity;
import dev.cgroupns.agent.testing.RandomCases;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The agent keeps only the cgroupfs mounts of a container's table and the mounts around them. That
 * is safe only if the planner, the revert and the swap's parent-mount lookup answer exactly as they
 * would from the whole table: random tables (stacked mounts, look-alike paths, shared parents,
 * mounts elsewhere, revert records naming emptied mount points) say they do.
 */
class IsolationPlannerKeptMountsTest {
  private static final ProcessIdentity PROCESS = new ProcessIdentity(4242, 987654);

  private static final String[] PATHS = {
    "/",
    "/sys",
    "/sys/fs",
    "/sys/fs/cg",
    "/sys/fs/cgroup",
    "/sys/fs/cgroup/memory",
    "/sys/fs/cgroup/memory2",
    "/sys/fs/cgroup/memory/sub",
    "/sys/fs/cgroup/blkio",
    "/sys/fs/cgroup/unified",
    "/sys/fs/cgroup/systemd",
    "/bomb",
    "/bomb/d0",
    "/proc"
  };

  private static final String[] ROOTS = {"/", CONTAINER, CONTAINER + "/sub", "/kubepods/other"};

  private static final String[] HIERARCHIES = {
    "cgroup memory rw,memory",
    "cgroup blkio rw,blkio",
    "cgroup systemd rw,name=systemd",
    "cgroup2 unified rw"
  };

  @Test
  void plansAndRevertsFromTheKeptMountsAreThoseFromTheWholeTable() {
    CgroupLayout layout = hostLayout();
    RevertRecord record =
        RevertRecords.recordFor(
            PROCESS,
            IsolationPlanner.plan(
                PROCESS,
                CgroupNamespace.HOST,
                containerCgroups(),
                containerMounts("/", "rw,relatime", ""),
                layout,
                true),
            Optional.empty());

    RandomCases.forAll(
        "kept mounts plan like the whole table",
        500,
        random -> {
          String table = randomTable(random);
          Optional<RevertRecord> maybeRecord =
              random.nextBoolean() ? Optional.of(record) : Optional.empty();
          List<String> recorded =
              maybeRecord
                  .map(r -> r.mounts().stream().map(RecordedMount::mountPoint).toList())
                  .orElse(List.of());
          List<MountInfoEntry> whole = MountInfoParser.parse(table).entries();
          List<MountInfoEntry> kept = keptOf(table, recorded);

          assertThat(kept.size()).isLessThanOrEqualTo(whole.size());
          assertThat(IsolationPlanner.visibleCgroupMounts(kept))
              .isEqualTo(IsolationPlanner.visibleCgroupMounts(whole));
          for (boolean readOnly : new boolean[] {true, false}) {
            IsolationPlan plan = plan(whole, readOnly, maybeRecord);
            assertThat(plan(kept, readOnly, maybeRecord)).as(table).isEqualTo(plan);
            List<SharedMount> targets =
                plan.changes().stream()
                    .map(c -> new SharedMount(c.mountId(), c.mountPoint()))
                    .toList();
            assertSameAround(targets, whole, kept, table);
          }
          RevertPlan revert =
              RevertPlan.of(record, IsolationPlanner.visibleCgroupMounts(whole), layout);
          assertThat(RevertPlan.of(record, IsolationPlanner.visibleCgroupMounts(kept), layout))
              .isEqualTo(revert);
          List<SharedMount> reverted =
              revert.steps().stream()
                  .map(s -> new SharedMount(s.currentMountId(), s.recorded().mountPoint()))
                  .toList();
          // The revert reads with the record's mount points wanted.
          assertSameAround(reverted, whole, keptOf(table, recordedOf(record)), table);
        });
  }

  /** The shared mounts made slave first, and each swap's expected parent mount, agree. */
  private static void assertSameAround(
      List<SharedMount> targets,
      List<MountInfoEntry> whole,
      List<MountInfoEntry> kept,
      String table) {
    assertThat(IsolationPlanner.sharedAround(targets, kept))
        .as(table)
        .isEqualTo(IsolationPlanner.sharedAround(targets, whole));
    for (SharedMount target : targets) {
      assertThat(IsolationPlanner.parentMountId(target.mountPoint(), kept))
          .as(target.mountPoint() + " in\n" + table)
          .isEqualTo(IsolationPlanner.parentMountId(target.mountPoint(), whole));
    }
  }

  private static IsolationPlan plan(
      List<MountInfoEntry> mounts, boolean readOnly, Optional<RevertRecord> record) {
    return IsolationPlanner.plan(
        PROCESS, CgroupNamespace.HOST, containerCgroups(), mounts, hostLayout(), readOnly, record);
  }

  private static List<String> recordedOf(RevertRecord record) {
    return record.mounts().stream().map(RecordedMount::mountPoint).toList();
  }

  private static List<MountInfoEntry> keptOf(String table, List<String> alsoWanted) {
    byte[] bytes = table.getBytes(StandardCharsets.UTF_8);
    try {
      return MountInfoParser.readAroundCgroupMounts(
              () -> new ByteArrayInputStream(bytes), alsoWanted)
          .entries();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A container's root, then mounts at random places from a small set of paths (so that mounts
   * stack, and cgroupfs mounts land where they should and where they should not), each on a random
   * earlier mount or on one that is not listed, some shared or slave.
   */
  private static String randomTable(Random random) {
    StringBuilder table = new StringBuilder("90 80 0:50 / / rw");
    table.append(random.nextBoolean() ? " shared:1" : "").append(" - overlay overlay rw\n");
    List<Integer> ids = new ArrayList<>(List.of(90));
    int count = 1 + random.nextInt(30);
    for (int i = 0; i < count; i++) {
      int id = 100 + i;
      int parent = random.nextInt(8) == 0 ? 7 : ids.get(random.nextInt(ids.size()));
      boolean cgroup = random.nextInt(5) < 2;
      String[] hierarchy = HIERARCHIES[random.nextInt(HIERARCHIES.length)].split(" ");
      String mountPoint =
          cgroup && random.nextInt(4) > 0
              ? "/sys/fs/cgroup/" + hierarchy[1]
              : PATHS[random.nextInt(PATHS.length)];
      String root = cgroup ? ROOTS[random.nextInt(ROOTS.length)] : "/";
      table.append(id).append(' ').append(parent).append(" 0:").append(id).append(' ');
      table
          .append(root)
          .append(' ')
          .append(mountPoint)
          .append(random.nextBoolean() ? " ro" : " rw");
      switch (random.nextInt(3)) {
        case 0 -> table.append(" shared:").append(2 + random.nextInt(3));
        case 1 -> table.append(" master:").append(2 + random.nextInt(3));
        default -> {}
      }
      table.append(" - ");
      table.append(cgroup ? hierarchy[0] + " " + hierarchy[0] + " " + hierarchy[2] : "tmpfs t rw");
      table.append('\n');
      ids.add(id);
    }
    return table.toString();
  }
}
