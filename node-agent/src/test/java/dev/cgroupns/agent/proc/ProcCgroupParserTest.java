package dev.cgroupns.agent.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProcCgroupParserTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hybrid/host-cgroup.txt",
        "hybrid/runc-hostns-cgroup.txt",
        "hybrid/runc-cgroupns-cgroup.txt",
        "hybrid/runc-cgroupns-cgroup-read-from-host.txt",
        "hybrid/runc-hostns-cgroup-read-from-cgroupns.txt",
        "v1/host-cgroup.txt",
        "v1/docker-container-cgroup.txt",
        "v1/kubelet-docker-container-cgroup.txt",
        "v2/host-cgroup.txt",
        "v2/privileged-container-cgroup.txt",
        "v2/cgroupns-container-cgroup.txt",
        "v2/zombie-deleted-cgroup.txt",
        "v2/crio-crun-container-cgroup.txt"
      })
  void everyFixtureLineParsesAndRendersBackVerbatim(String fixture) {
    String text = Fixtures.text(fixture);
    ProcCgroup cgroup = ProcCgroupParser.parse(text);

    assertThat(cgroup.rejectedLines()).isEmpty();
    assertThat(cgroup.lines())
        .extracting(CgroupLine::render)
        .containsExactlyElementsOf(text.lines().toList());
  }

  @Test
  void hybridHostLines() {
    ProcCgroup cgroup = ProcCgroupParser.parse(Fixtures.text("hybrid/host-cgroup.txt"));

    assertThat(cgroup.lines()).hasSize(10);
    CgroupLine systemd = cgroup.hierarchy(9).orElseThrow();
    assertThat(systemd.controllers()).containsExactly("name=systemd");
    assertThat(systemd.isV2()).isFalse();
    assertThat(cgroup.v2().orElseThrow().path()).isEqualTo("/");
    assertThat(cgroup.v2().orElseThrow().controllersKey()).isEmpty();
  }

  @Test
  void coMountedControllersKeepTheKernelOrder() {
    ProcCgroup cgroup = ProcCgroupParser.parse(Fixtures.text("v1/host-cgroup.txt"));

    CgroupLine cpu = cgroup.hierarchy(6).orElseThrow();
    assertThat(cpu.controllers()).containsExactly("cpu", "cpuacct");
    assertThat(cpu.controllersKey()).isEqualTo("cpu,cpuacct");
    assertThat(cpu.path()).isEqualTo("/system.slice/dockerd.service");
  }

  @Test
  void deletedSuffixOnV2IsStrippedAndFlagged() {
    CgroupLine line =
        ProcCgroupParser.parse(Fixtures.text("v2/zombie-deleted-cgroup.txt")).lines().get(0);

    assertThat(line.deleted()).isTrue();
    assertThat(line.path()).endsWith(".scope").doesNotContain("deleted");
  }

  @Test
  void deletedSuffixOnV1IsPartOfTheNameBecauseTheKernelNeverWritesItThere() {
    CgroupLine line = ProcCgroupParser.parse("4:memory:/x (deleted)\n").lines().get(0);

    assertThat(line.deleted()).isFalse();
    assertThat(line.path()).isEqualTo("/x (deleted)");
  }

  @Test
  void colonsInThePathStayInThePath() {
    CgroupLine line = ProcCgroupParser.parse("0::/a:b/c::d\n").lines().get(0);

    assertThat(line.path()).isEqualTo("/a:b/c::d");
    assertThat(line.isV2()).isTrue();
  }

  @Test
  void parentSegmentsAsRenderedForAnotherNamespace() {
    ProcCgroup cgroup =
        ProcCgroupParser.parse(Fixtures.text("hybrid/runc-hostns-cgroup-read-from-cgroupns.txt"));

    assertThat(cgroup.lines())
        .allSatisfy(l -> assertThat(l.path()).startsWith("/../../../../kubepods/burstable/"));
  }

  @Test
  void aHierarchyListedTwiceIsRejectedEntirely() {
    // A cgroup name with a newline could forge a second line for a hierarchy.
    ProcCgroup cgroup = ProcCgroupParser.parse("4:memory:/evil\n3:cpu:/x\n4:memory:/\n");

    assertThat(cgroup.lines()).extracting(CgroupLine::hierarchyId).containsExactly(3);
    assertThat(cgroup.rejectedLines()).hasSize(2).allSatisfy(r -> assertThat(r).contains("twice"));
  }

  @Test
  void malformedLinesAreRejected() {
    ProcCgroup cgroup =
        ProcCgroupParser.parse(
            "garbage\n"
                + "x:memory:/\n"
                + "-1:memory:/\n"
                + "0:memory:/\n"
                + "5::/\n"
                + "6:mem ory:/\n"
                + "7:memory:relative\n"
                + "8:memory,:/\n"
                + "1:cpu:/ok\n");

    assertThat(cgroup.lines()).extracting(CgroupLine::render).containsExactly("1:cpu:/ok");
    assertThat(cgroup.rejectedLines()).hasSize(8);
  }

  @Test
  void emptyPathIsAcceptedOnlyAsADeletedMarker() {
    ProcCgroup cgroup = ProcCgroupParser.parse("0:: (deleted)\n0x\n");

    assertThat(cgroup.lines()).hasSize(1);
    assertThat(cgroup.lines().get(0).deleted()).isTrue();
    assertThat(cgroup.lines().get(0).path()).isEmpty();
  }
}
