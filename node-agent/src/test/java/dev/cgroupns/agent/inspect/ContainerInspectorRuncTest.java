package dev.cgroupns.agent.inspect;

import static dev.cgroupns.agent.runc.RuncFixture.identity;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.agent.proc.ProcCgroupParser;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.agent.testing.HostLayout;
import dev.cgroupns.api.v1alpha1.MountState;
import dev.cgroupns.testbed.runc.ContainerSpec;
import dev.cgroupns.testbed.runc.DemoContainer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Inspection on real runc containers must agree with what the container itself reads. */
public class ContainerInspectorRuncTest {
  private RuncFixture runc;
  private final ContainerInspector inspector = ContainerInspector.comparingWithSelf(ProcFs.host());

  @BeforeEach
  void setUp() {
    runc = RuncFixture.create();
  }

  @AfterEach
  void tearDown() {
    // Null when setUp was skipped (no root, runc or busybox): nothing to close.
    if (runc != null) {
      runc.close();
    }
  }

  @Test
  void hostNamespaceContainerSeesHostPathsAndRuncsReadOnlyMounts() {
    DemoContainer c = runc.start(ContainerSpec.plain());

    ContainerInspection inspection = inspector.inspect(identity(c));

    assertThat(inspection.namespace()).isEqualTo(CgroupNamespace.HOST);
    assertThat(inspection.seenCgroups()).extracting(CgroupLine::path).containsOnly(c.cgroupsPath());
    assertThat(inspection.mounts()).isNotEmpty();
    // v1: runc binds the container's own cgroup of each hierarchy; pure v2: runc mounts cgroup2
    // itself, which from the host's cgroup namespace is the whole tree.
    boolean v2 = HostLayout.pureV2();
    assertThat(inspection.exposesMore()).isEqualTo(v2);
    assertThat(inspection.mounts())
        .allSatisfy(
            m -> {
              assertThat(m.relation())
                  .isEqualTo(v2 ? CgroupRelation.WIDER : CgroupRelation.OWN_SUBTREE);
              assertThat(m.root()).isEqualTo(v2 ? "/" : c.cgroupsPath());
            });
    assertThat(inspection.mountState()).isEqualTo(MountState.ReadOnly);
    assertMatchesWhatTheContainerReads(c, inspection);
  }

  @Test
  void privateNamespaceContainerSeesRootAndIsReportedPrivate() {
    DemoContainer c =
        runc.start(
            ContainerSpec.plain()
                .withDriver(ContainerSpec.Driver.SYSTEMD_NAMES)
                .withCgroupNamespace());

    ContainerInspection inspection = inspector.inspect(identity(c));

    assertThat(inspection.namespace()).isEqualTo(CgroupNamespace.PRIVATE);
    assertThat(inspection.seenCgroups()).extracting(CgroupLine::path).containsOnly("/");
    assertThat(inspection.hostCgroups()).extracting(CgroupLine::path).containsOnly(c.cgroupsPath());
    assertThat(inspection.exposesMore()).isFalse();
    assertMatchesWhatTheContainerReads(c, inspection);
  }

  @Test
  void hostCgroupfsContainerIsSeenToExposeTheWholeTreeWritable() {
    DemoContainer c = runc.start(ContainerSpec.plain().withHostCgroupfs());

    ContainerInspection inspection = inspector.inspect(identity(c));

    assertThat(inspection.exposesMore()).isTrue();
    assertThat(inspection.mountState()).isEqualTo(MountState.ReadWrite);
    assertThat(inspection.mounts())
        .allSatisfy(m -> assertThat(m.relation()).isEqualTo(CgroupRelation.WIDER));
    assertThat(ApiViewMapper.toView(inspection).mounts)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.root).isEqualTo("/");
              assertThat(v.exposesMore).isTrue();
              if (HostLayout.pureV2()) {
                assertThat(v.mountPoints).isEqualTo("/sys/fs/cgroup");
              } else {
                assertThat(v.mountPoints).startsWith("/sys/fs/cgroup/{");
              }
            });
    assertMatchesWhatTheContainerReads(c, inspection);
  }

  /** The container's own reading of /proc/self/cgroup and mountinfo, via runc exec (no shell). */
  public static void assertMatchesWhatTheContainerReads(
      DemoContainer c, ContainerInspection inspection) {
    List<CgroupLine> ownLines = ProcCgroupParser.parse(c.exec("cat", "/proc/self/cgroup")).lines();
    assertThat(inspection.seenCgroups()).containsExactlyElementsOf(ownLines);
    List<MountInfoEntry> ownMounts =
        MountInfoParser.parse(c.exec("cat", "/proc/self/mountinfo")).entries().stream()
            .filter(MountInfoEntry::isCgroup)
            .toList();
    assertThat(inspection.mounts())
        .extracting(m -> m.mountPoint() + " " + m.root() + " " + (m.readOnly() ? "ro" : "rw"))
        .containsExactlyElementsOf(
            ownMounts.stream()
                .map(m -> m.mountPoint() + " " + m.root() + " " + (m.readOnly() ? "ro" : "rw"))
                .toList());
  }
}
