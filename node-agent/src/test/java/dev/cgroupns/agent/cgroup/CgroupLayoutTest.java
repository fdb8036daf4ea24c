package dev.cgroupns.agent.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.agent.proc.ProcCgroupParser;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.testing.Fixtures;
import dev.cgroupns.agent.testing.Requirements;
import dev.cgroupns.api.v1alpha1.CgroupVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CgroupLayoutTest {

  @Test
  void hybridHost() {
    CgroupLayout layout = layout("hybrid/host-mountinfo.txt", "hybrid/host-cgroup.txt");

    assertThat(layout.version()).isEqualTo(CgroupVersion.Hybrid);
    assertThat(layout.hierarchies()).hasSize(10);
    assertThat(layout.hierarchies().get(0).v2()).isTrue();
    assertThat(layout.unified().orElseThrow().mountPoint()).isEqualTo("/sys/fs/cgroup/unified");
    Hierarchy memory = byController(layout, "memory");
    assertThat(memory.hierarchyId()).isEqualTo(4);
    assertThat(memory.mountPoint()).isEqualTo("/sys/fs/cgroup/memory");
    assertThat(memory.mountRoot()).isEqualTo("/");
    assertThat(byController(layout, "name=systemd").hierarchyId()).isEqualTo(9);
  }

  @Test
  void v1HostWithCoMountedControllers() {
    CgroupLayout layout = layout("v1/host-mountinfo.txt", "v1/host-cgroup.txt");

    assertThat(layout.version()).isEqualTo(CgroupVersion.V1);
    assertThat(layout.hierarchies()).hasSize(12);
    Hierarchy cpu = byController(layout, "cpu");
    assertThat(cpu.controllers()).isEqualTo(Set.of("cpu", "cpuacct"));
    assertThat(cpu.hierarchyId()).isEqualTo(6);
    assertThat(cpu.mountPoint()).isEqualTo("/sys/fs/cgroup/cpu,cpuacct");
    assertThat(byController(layout, "net_prio").mountPoint())
        .isEqualTo("/sys/fs/cgroup/net_cls,net_prio");
    assertThat(layout.unified()).isEmpty();
  }

  @Test
  void v2Host() {
    CgroupLayout layout = layout("v2/host-mountinfo.txt", "v2/host-cgroup.txt");

    assertThat(layout.version()).isEqualTo(CgroupVersion.V2);
    Hierarchy unified = layout.hierarchies().get(0);
    assertThat(unified.hierarchyId()).isZero();
    assertThat(unified.mountPoint()).isEqualTo("/sys/fs/cgroup");
    assertThat(unified.superOptions()).contains("nsdelegate");
  }

  @Test
  void forLineMatchesIdAndControllers() {
    CgroupLayout layout = layout("v1/host-mountinfo.txt", "v1/host-cgroup.txt");

    CgroupLine line = new CgroupLine(6, List.of("cpu", "cpuacct"), "/docker/x");
    assertThat(layout.forLine(line))
        .map(Hierarchy::mountPoint)
        .hasValue("/sys/fs/cgroup/cpu,cpuacct");
    // Same ID, other controllers: a remounted hierarchy that reused the ID.
    assertThat(layout.forLine(new CgroupLine(6, List.of("memory"), "/"))).isEmpty();
    assertThat(layout.forLine(new CgroupLine(0, List.of(), "/"))).isEmpty();
  }

  @Test
  void directoryOfAContainerCgroupOnTheHost() {
    CgroupLayout layout = layout("v1/host-mountinfo.txt", "v1/host-cgroup.txt");
    CgroupLine line =
        ProcCgroupParser.parse(Fixtures.text("v1/docker-container-cgroup.txt"))
            .hierarchy(10)
            .orElseThrow();

    Path dir = layout.directoryOf(layout.forLine(line).orElseThrow(), line.path());

    assertThat(dir).isEqualTo(Path.of("/sys/fs/cgroup/memory").resolve(line.path().substring(1)));
    assertThat(layout.directoryOf(byController(layout, "memory"), "/"))
        .isEqualTo(Path.of("/sys/fs/cgroup/memory"));
  }

  @Test
  void insideAContainerTheMountRootIsItsOwnCgroup() {
    CgroupLayout layout =
        layout("hybrid/runc-hostns-mountinfo.txt", "hybrid/runc-hostns-cgroup.txt");
    Hierarchy memory = byController(layout, "memory");
    String own =
        ProcCgroupParser.parse(Fixtures.text("hybrid/runc-hostns-cgroup.txt"))
            .hierarchy(memory.hierarchyId())
            .orElseThrow()
            .path();

    assertThat(memory.mountRoot()).isEqualTo(own);
    assertThat(layout.directoryOf(memory, own)).isEqualTo(Path.of("/sys/fs/cgroup/memory"));
    assertThat(layout.directoryOf(memory, own + "/child"))
        .isEqualTo(Path.of("/sys/fs/cgroup/memory/child"));
    // runc mounted no cgroup2 in this container
    assertThat(layout.version()).isEqualTo(CgroupVersion.V1);
    assertThatThrownBy(() -> layout.directoryOf(memory, "/process_api"))
        .isInstanceOf(CgroupPathException.class)
        .hasMessageContaining("outside");
    assertThatThrownBy(() -> layout.directoryOf(memory, own + "x"))
        .isInstanceOf(CgroupPathException.class);
  }

  @Test
  void mountRootsWithParentSegmentsAsSeenFromAnotherCgroupNamespace() {
    CgroupLayout layout =
        layout(
            "hybrid/runc-hostns-mountinfo-read-from-cgroupns.txt",
            "hybrid/runc-hostns-cgroup-read-from-cgroupns.txt");
    Hierarchy cpu = byController(layout, "cpu");

    assertThat(cpu.mountRoot()).startsWith("/../../../../kubepods/");
    assertThat(layout.directoryOf(cpu, cpu.mountRoot() + "/sub"))
        .isEqualTo(Path.of("/sys/fs/cgroup/cpu/sub"));
    assertThatThrownBy(() -> layout.directoryOf(cpu, "/../../../../kubepods"))
        .isInstanceOf(CgroupPathException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "relative",
        "/a/../b",
        "/a/..",
        "/./a",
        "/a//b",
        "/a/",
        "/a\u0000b",
        "/a\nb",
        "/..",
      })
  void directoryOfRefusesTricks(String path) {
    CgroupLayout layout = layout("hybrid/host-mountinfo.txt", "hybrid/host-cgroup.txt");

    assertThatThrownBy(() -> layout.directoryOf(byController(layout, "memory"), path))
        .isInstanceOf(CgroupPathException.class);
  }

  @Test
  void directoryOfRefusesOverlongPaths() {
    CgroupLayout layout = layout("hybrid/host-mountinfo.txt", "hybrid/host-cgroup.txt");

    assertThatThrownBy(
            () -> layout.directoryOf(byController(layout, "memory"), "/" + "a".repeat(5000)))
        .isInstanceOf(CgroupPathException.class)
        .hasMessageContaining("longer");
  }

  @Test
  void theWidestMountOfAHierarchyIsPreferred() {
    List<MountInfoEntry> mounts =
        MountInfoParser.parse(
                "40 31 0:32 /sub /mnt/a rw - cgroup cgroup rw,memory\n"
                    + "41 31 0:32 / /mnt/b rw - cgroup cgroup rw,memory\n"
                    + "42 31 0:32 / /mnt/c rw - cgroup cgroup rw,memory\n"
                    + "43 31 0:33 / /mnt/d rw - tmpfs tmpfs rw\n")
            .entries();
    CgroupLayout layout = CgroupLayout.of(mounts, ProcCgroupParser.parse("4:memory:/\n").lines());

    assertThat(layout.hierarchies())
        .singleElement()
        .extracting(Hierarchy::mountPoint)
        .isEqualTo("/mnt/b");
  }

  @Test
  void noCgroupMountIsAClearError() {
    assertThatThrownBy(
            () ->
                CgroupLayout.of(
                    MountInfoParser.parse("1 0 0:1 / / rw - ext4 /dev/sda rw\n").entries(),
                    ProcCgroupParser.parse("0::/\n").lines()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no cgroup hierarchy");
  }

  @Test
  void detectOnThisMachine() {
    Requirements.requireLinuxProc();
    Requirements.require(
        Files.isDirectory(Path.of("/sys/fs/cgroup")), "needs cgroupfs at /sys/fs/cgroup");
    ProcFs procFs = ProcFs.host();

    CgroupLayout layout = CgroupLayout.detect(procFs, null);

    assertThat(layout.hierarchies()).isNotEmpty();
    for (Hierarchy h : layout.hierarchies()) {
      CgroupLine own = procFs.selfCgroups().hierarchy(h.hierarchyId()).orElseThrow();
      Path dir = layout.directoryOf(h, own.path());
      assertThat(dir.resolve("cgroup.procs")).as("own cgroup in %s", h).isRegularFile();
    }
    assertThatThrownBy(() -> CgroupLayout.detect(procFs, Path.of("/nonexistent/cgroup")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/nonexistent/cgroup");
  }

  private static CgroupLayout layout(String mountinfo, String cgroup) {
    return CgroupLayout.of(
        MountInfoParser.parse(Fixtures.text(mountinfo)).entries(),
        ProcCgroupParser.parse(Fixtures.text(cgroup)).lines());
  }

  private static Hierarchy byController(CgroupLayout layout, String controller) {
    return layout.hierarchies().stream()
        .filter(h -> h.controllers().contains(controller))
        .findFirst()
        .orElseThrow();
  }
}
