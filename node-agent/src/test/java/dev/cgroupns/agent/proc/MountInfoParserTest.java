package dev.cgroupns.agent.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.testing.Fixtures;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MountInfoParserTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hybrid/host-mountinfo.txt",
        "hybrid/runc-hostns-mountinfo.txt",
        "hybrid/runc-cgroupns-mountinfo.txt",
        "hybrid/runc-cgroupns-mountinfo-read-from-host.txt",
        "hybrid/runc-hostns-mountinfo-read-from-cgroupns.txt",
        "v1/host-mountinfo.txt",
        "v1/docker-container-mountinfo.txt",
        "v2/host-mountinfo.txt",
        "v2/privileged-container-mountinfo.txt",
        "v2/cgroupns-container-mountinfo.txt"
      })
  void everyFixtureLineParses(String fixture) {
    String text = Fixtures.text(fixture);
    MountInfo info = MountInfoParser.parse(text);

    assertThat(info.rejectedLines()).isEmpty();
    assertThat(info.entries()).hasSize((int) text.lines().filter(l -> !l.isEmpty()).count());
  }

  @Test
  void hybridHostHasNineV1HierarchiesAndTheUnifiedOne() {
    MountInfo info = MountInfoParser.parse(Fixtures.text("hybrid/host-mountinfo.txt"));

    List<MountInfoEntry> cgroups = info.cgroupMounts();
    assertThat(cgroups).hasSize(10);
    assertThat(cgroups.stream().filter(MountInfoEntry::isCgroupV1)).hasSize(9);
    MountInfoEntry unified = cgroups.get(cgroups.size() - 1);
    assertThat(unified.isCgroupV2()).isTrue();
    assertThat(unified.mountPoint()).isEqualTo("/sys/fs/cgroup/unified");
    assertThat(unified.cgroupV1Controllers()).isEmpty();
    MountInfoEntry systemd =
        cgroups.stream().filter(m -> m.mountPoint().endsWith("/systemd")).findFirst().orElseThrow();
    assertThat(systemd.cgroupV1Controllers()).containsExactly("name=systemd");
  }

  @Test
  void fieldsOfATypicalLine() {
    MountInfo info =
        MountInfoParser.parse(
            "33 22 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2"
                + " cgroup2 rw,nsdelegate,memory_recursiveprot\n");

    MountInfoEntry e = info.entries().get(0);
    assertThat(e.mountId()).isEqualTo(33);
    assertThat(e.parentId()).isEqualTo(22);
    assertThat(e.majorMinor()).isEqualTo("0:27");
    assertThat(e.root()).isEqualTo("/");
    assertThat(e.mountPoint()).isEqualTo("/sys/fs/cgroup");
    assertThat(e.mountOptions()).containsExactly("rw", "nosuid", "nodev", "noexec", "relatime");
    assertThat(e.optionalFields()).containsExactly("shared:9");
    assertThat(e.fsType()).isEqualTo("cgroup2");
    assertThat(e.source()).isEqualTo("cgroup2");
    assertThat(e.superOptions()).containsExactly("rw", "nsdelegate", "memory_recursiveprot");
    assertThat(e.readOnly()).isFalse();
    assertThat(e.isShared()).isTrue();
    assertThat(e.sharedPeerGroup()).hasValue(9);
  }

  @Test
  void v1ControllersExcludeFlagsAndNamedOptions() {
    MountInfo info = MountInfoParser.parse(Fixtures.text("v1/host-mountinfo.txt"));

    assertThat(controllersAt(info, "/sys/fs/cgroup/cpu,cpuacct"))
        .isEqualTo(Set.of("cpu", "cpuacct"));
    assertThat(controllersAt(info, "/sys/fs/cgroup/net_cls,net_prio"))
        .isEqualTo(Set.of("net_cls", "net_prio"));
    assertThat(controllersAt(info, "/sys/fs/cgroup/cpuset")).isEqualTo(Set.of("cpuset"));
    // xattr and release_agent=... are options, not controllers
    assertThat(controllersAt(info, "/sys/fs/cgroup/systemd")).isEqualTo(Set.of("name=systemd"));
  }

  @Test
  void escapedSpaceInMountPointIsUnescaped() {
    MountInfo info = MountInfoParser.parse(Fixtures.text("v1/host-mountinfo.txt"));

    assertThat(info.entries()).anyMatch(e -> e.mountPoint().equals("/media/usb disk"));
  }

  @Test
  void containerBindMountsShowTheContainerCgroupAsRootAndAreReadOnlySlaves() {
    MountInfo info = MountInfoParser.parse(Fixtures.text("v1/docker-container-mountinfo.txt"));

    MountInfoEntry memory =
        info.entries().stream()
            .filter(e -> e.mountPoint().equals("/sys/fs/cgroup/memory"))
            .findFirst()
            .orElseThrow();
    assertThat(memory.root()).startsWith("/docker/").hasSize("/docker/".length() + 64);
    assertThat(memory.readOnly()).isTrue();
    assertThat(memory.isShared()).isFalse();
    assertThat(memory.masterPeerGroup()).hasValue(15);
  }

  @Test
  void rootsRenderedForAReaderInAnotherCgroupNamespaceKeepTheirParentSegments() {
    MountInfo info =
        MountInfoParser.parse(Fixtures.text("hybrid/runc-hostns-mountinfo-read-from-cgroupns.txt"));

    assertThat(info.cgroupMounts())
        .isNotEmpty()
        .allSatisfy(m -> assertThat(m.root()).startsWith("/../../../../kubepods/burstable/pod"));
  }

  @Test
  void deletedBindMountRootAndNsfsRoot() {
    MountInfo v2 = MountInfoParser.parse(Fixtures.text("v2/privileged-container-mountinfo.txt"));
    MountInfoEntry resolv =
        v2.entries().stream()
            .filter(e -> e.mountPoint().equals("/etc/resolv.conf"))
            .findFirst()
            .orElseThrow();
    assertThat(resolv.rootDeleted()).isTrue();

    MountInfo host = MountInfoParser.parse(Fixtures.text("v2/host-mountinfo.txt"));
    assertThat(host.entries())
        .anyMatch(e -> e.fsType().equals("nsfs") && e.root().equals("net:[4026532481]"));
  }

  @Test
  void anyNumberOfOptionalFields() {
    MountInfo info =
        MountInfoParser.parse(
            "1 0 0:1 / /a rw - tmpfs t rw\n"
                + "2 1 0:2 / /b rw shared:1 master:2 propagate_from:3 unbindable - tmpfs t rw\n");

    assertThat(info.entries().get(0).optionalFields()).isEmpty();
    assertThat(info.entries().get(1).optionalFields())
        .containsExactly("shared:1", "master:2", "propagate_from:3", "unbindable");
    assertThat(info.entries().get(1).fsType()).isEqualTo("tmpfs");
  }

  @Test
  void garbageIsRejectedAndReportedNotThrown() {
    MountInfo info =
        MountInfoParser.parse(
            "garbage\n"
                + "1 0 0:1 / /ok rw - tmpfs t rw\n"
                + "x 0 0:1 / /bad-id rw - tmpfs t rw\n"
                + "2 0 0:1 / relative rw - tmpfs t rw\n"
                + "3 0 0:1 / /no-separator rw tmpfs t rw\n"
                + "4 0 0:1 / /too-many rw - tmpfs t rw extra\n"
                + "5 0 01 / /bad-dev rw - tmpfs t rw\n"
                + "6 0 0:1 /  /empty-field rw - tmpfs t rw\n");

    assertThat(info.entries()).extracting(MountInfoEntry::mountPoint).containsExactly("/ok");
    assertThat(info.rejectedLines()).hasSize(7);
    assertThat(info.rejectedLines().get(0)).contains("garbage");
  }

  @Test
  void rejectedLinesAreBoundedTruncatedAndPrintable() {
    String longGarbage = "z".repeat(5000);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      text.append(longGarbage).append('\u0001').append('\n');
    }
    MountInfo info = MountInfoParser.parse(text.toString());

    assertThat(info.rejectedLines()).hasSize(MountInfoParser.MAX_REJECTED_REPORTED + 1);
    assertThat(info.rejectedLines().get(0)).hasSizeLessThan(300).doesNotContain("\u0001");
    assertThat(info.rejectedLines().get(MountInfoParser.MAX_REJECTED_REPORTED)).contains("40 more");
  }

  @Test
  void nullAndEmptyContent() {
    assertThat(MountInfoParser.parse(null).entries()).isEmpty();
    assertThat(MountInfoParser.parse("").entries()).isEmpty();
    assertThat(MountInfoParser.parse("\n\n").rejectedLines()).isEmpty();
  }

  private static Set<String> controllersAt(MountInfo info, String mountPoint) {
    return info.entries().stream()
        .filter(e -> e.mountPoint().equals(mountPoint))
        .findFirst()
        .orElseThrow()
        .cgroupV1Controllers();
  }
}
