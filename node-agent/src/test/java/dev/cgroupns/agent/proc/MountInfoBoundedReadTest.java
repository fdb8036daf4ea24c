package dev.cgroupns.agent.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.agent.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent's reads of a container's mountinfo keep the cgroupfs mounts and the mounts the planner
 * consults around them, nothing else, and refuse a table where even that would be too much.
 */
class MountInfoBoundedReadTest {
  /** A container with host cgroupfs, stacked and unrelated mounts, and look-alike paths. */
  private static final String TABLE =
      String.join(
          "\n",
          "90 80 0:50 / / rw - overlay overlay rw",
          "91 90 0:51 / /proc rw - proc proc rw",
          "92 90 0:52 / /sys ro - sysfs sysfs ro",
          "93 92 0:53 / /sys/fs/cgroup rw shared:5 - tmpfs tmpfs rw",
          "94 93 0:54 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu",
          "95 93 0:55 / /sys/fs/cgroup/cpu2 rw - tmpfs tmpfs rw",
          "96 92 0:56 / /sys/fs/cg rw - tmpfs tmpfs rw",
          "97 94 0:57 / /sys/fs/cgroup/cpu rw - tmpfs tmpfs rw",
          "98 90 0:58 / /bomb rw - tmpfs bomb rw",
          "99 98 0:58 / /bomb/d0 rw - tmpfs bomb rw",
          "100 80 0:59 / /elsewhere/parent rw - tmpfs tmpfs rw",
          "101 100 0:60 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw",
          "102 90 0:61 / /sys/fs/cgroup/memory/x rw - tmpfs tmpfs rw",
          "103 90 0:62 / /run rw - tmpfs tmpfs rw",
          "104 103 0:63 / /run/recorded rw - tmpfs tmpfs rw",
          "");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hybrid/host-mountinfo.txt",
        "hybrid/runc-hostns-mountinfo.txt",
        "v1/host-mountinfo.txt",
        "v1/docker-container-mountinfo.txt",
        "v2/host-mountinfo.txt",
        "v2/privileged-container-mountinfo.txt"
      })
  void realTablesKeepEveryCgroupMountWholeFarBelowTheCaps(String fixture) throws IOException {
    String text = Fixtures.text(fixture);
    List<MountInfoEntry> cgroupMounts = MountInfoParser.parse(text).cgroupMounts();

    MountInfo around = MountInfoParser.readAroundCgroupMounts(source(text), List.of());

    assertThat(around.cgroupMounts()).isNotEmpty().isEqualTo(cgroupMounts);
    assertThat(MountInfoParser.readCgroupMounts(stream(text)).entries()).isEqualTo(cgroupMounts);
    assertThat(around.entries()).hasSizeLessThan(cgroupMounts.size() + 10);
  }

  @Test
  void cgroupMountsOnlyAreKeptWholeInOnePass() throws IOException {
    MountInfo info = MountInfoParser.readCgroupMounts(stream(TABLE));

    assertThat(info.entries()).extracting(MountInfoEntry::mountId).containsExactly(94, 101);
    assertThat(info.entries().get(0).superOptions()).containsExactly("rw", "cpu");
    assertThat(info.entries().get(0).majorMinor()).isEqualTo("0:54");
  }

  @Test
  void aroundTheCgroupMountsAreTheMountsAtAndAboveThemAndTheirParentsInKernelOrder()
      throws IOException {
    MountInfo info = MountInfoParser.readAroundCgroupMounts(source(TABLE), List.of());

    // "/", "/sys" and "/sys/fs/cgroup" hold the mount points; 97 covers cpu; 100 is unified's
    // parent though it lies elsewhere. Look-alikes (cpu2, /sys/fs/cg), mounts below a cgroupfs
    // mount point and the bomb are not kept.
    assertThat(info.entries())
        .extracting(MountInfoEntry::mountId)
        .containsExactly(90, 92, 93, 94, 97, 100, 101);
    MountInfoEntry tmpfs = info.entries().get(2);
    assertThat(tmpfs.sharedPeerGroup()).hasValue(5);
    assertThat(tmpfs.superOptions()).as("kept slim").isEmpty();
  }

  @Test
  void alsoWantedMountPointsAreKeptWithTheMountsOnTheirPaths() throws IOException {
    MountInfo info =
        MountInfoParser.readAroundCgroupMounts(
            source(TABLE), List.of("/run/recorded", "/sys/fs/cgroup/memory"));

    assertThat(info.entries())
        .extracting(MountInfoEntry::mountId)
        .containsExactly(90, 92, 93, 94, 97, 100, 101, 103, 104)
        .doesNotContain(102); // below a wanted mount point, not on its path
  }

  @Test
  void aCgroupMountTheFirstPassDidNotSeeIsLeftForTheNextRead() throws IOException {
    String first = "1 0 0:1 / / rw - tmpfs root rw\n2 1 0:2 / /cg/a rw - cgroup2 cgroup2 rw\n";
    String second =
        first
            + "3 1 0:3 / /other rw - tmpfs other rw\n"
            + "4 3 0:2 / /other/cg rw - cgroup2 cgroup2 rw\n";

    MountInfo info = MountInfoParser.readAroundCgroupMounts(sources(first, second), List.of());

    // 4's parent and path were not asked for in the second pass, so 4 is not kept without them.
    assertThat(info.entries()).extracting(MountInfoEntry::mountId).containsExactly(1, 2);
  }

  @Test
  void sixtyFiveThousandOtherMountsKeepNothingButTheFewAroundTheCgroupMounts() throws IOException {
    StringBuilder table = new StringBuilder(TABLE);
    for (int i = 0; i < 65_536; i++) {
      table.append(1000 + i).append(" 98 0:58 / /bomb/d0/").append(i).append(" rw - tmpfs b rw\n");
    }

    MountInfo info = MountInfoParser.readAroundCgroupMounts(source(table.toString()), List.of());

    assertThat(info.entries()).hasSize(7);
  }

  @Test
  void moreKeptCgroupMountsThanTheCapAreRefused() {
    StringBuilder table = new StringBuilder("1 0 0:1 / / rw - tmpfs root rw\n");
    for (int i = 0; i <= MountInfoParser.MAX_KEPT; i++) {
      table.append(10 + i).append(" 1 0:2 / /cg/").append(i).append(" rw - cgroup2 c rw\n");
    }

    assertThatThrownBy(() -> MountInfoParser.readCgroupMounts(stream(table.toString())))
        .isInstanceOf(MountTableTooLargeException.class)
        .hasMessageContaining("more than " + MountInfoParser.MAX_KEPT + " mounts");
    assertThatThrownBy(
            () -> MountInfoParser.readAroundCgroupMounts(source(table.toString()), List.of()))
        .isInstanceOf(MountTableTooLargeException.class);
  }

  @Test
  void mountsStackedOnTheCgroupfsPathPastTheCapAreRefused() throws IOException {
    // One cgroup mount, and a stack of tmpfs mounts on /sys: each lies on its path, so each would
    // be kept.
    StringBuilder table = new StringBuilder("1 0 0:1 / / rw - tmpfs root rw\n");
    for (int i = 0; i < MountInfoParser.MAX_KEPT; i++) {
      table
          .append(10 + i)
          .append(' ')
          .append(i == 0 ? 1 : 9 + i)
          .append(" 0:3 / /sys rw - tmpfs s rw\n");
    }
    table.append("9999 1 0:2 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");

    assertThat(MountInfoParser.readCgroupMounts(stream(table.toString())).entries()).hasSize(1);
    assertThatThrownBy(
            () -> MountInfoParser.readAroundCgroupMounts(source(table.toString()), List.of()))
        .isInstanceOf(MountTableTooLargeException.class)
        .hasMessageContaining("around them");
  }

  @Test
  void keptMountsWithLinesOfTheLongestKindPastTheByteCapAreRefused() {
    String longPath = "/" + "p".repeat(4000);
    int count = MountInfoParser.MAX_KEPT_BYTES / longPath.length() + 1;
    assertThat(count).isLessThan(MountInfoParser.MAX_KEPT);
    StringBuilder table = new StringBuilder();
    for (int i = 0; i < count; i++) {
      table.append(10 + i).append(" 1 0:2 / ").append(longPath).append(i);
      table.append(" rw - cgroup2 c rw\n");
    }

    assertThatThrownBy(() -> MountInfoParser.readCgroupMounts(stream(table.toString())))
        .isInstanceOf(MountTableTooLargeException.class)
        .hasMessageContaining("MiB of heap");
  }

  @Test
  void theTotalAndLineCapsStillHoldForLinesThatAreNotKept() {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= MountInfoParser.MAX_MOUNTS; i++) {
      many.append(i + 10).append(" 1 0:5 / /b/").append(i).append(" rw - tmpfs t rw\n");
    }
    String longLine = "1 0 0:1 / /" + "x".repeat(MountInfoParser.MAX_LINE_BYTES) + " rw - t t rw\n";

    assertThatThrownBy(() -> MountInfoParser.readCgroupMounts(stream(many.toString())))
        .isInstanceOf(MountTableTooLargeException.class)
        .hasMessageContaining("more than " + MountInfoParser.MAX_MOUNTS + " mounts");
    assertThatThrownBy(() -> MountInfoParser.readCgroupMounts(stream(longLine)))
        .isInstanceOf(MountTableTooLargeException.class)
        .hasMessageContaining("longer than");
  }

  @Test
  void rejectedLinesAreReportedByTheBoundedReadsToo() throws IOException {
    MountInfo info = MountInfoParser.readAroundCgroupMounts(source("garbage\n" + TABLE), List.of());

    assertThat(info.rejectedLines())
        .singleElement()
        .satisfies(line -> assertThat(line).contains("garbage"));
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static MountInfoParser.Source source(String text) {
    return () -> stream(text);
  }

  /** A file that reads as each text in turn, as a table changing between the passes would. */
  private static MountInfoParser.Source sources(String... texts) {
    Deque<String> left = new ArrayDeque<>(List.of(texts));
    return () -> stream(left.size() > 1 ? left.poll() : left.peek());
  }
}
