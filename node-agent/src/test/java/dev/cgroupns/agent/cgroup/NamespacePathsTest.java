package dev.cgroupns.agent.cgroup;

import static dev.cgroupns.agent.testing.RandomCases.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.agent.proc.ProcCgroup;
import dev.cgroupns.agent.proc.ProcCgroupParser;
import dev.cgroupns.agent.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamespacePathsTest {

  /** Cases from the comment of kernfs_path_from_node_locked in fs/kernfs/dir.c, and edges. */
  @ParameterizedTest
  @CsvSource({
    "/n1/n2/n3/n4/n5, /n1/n2/n3, /n4/n5",
    "/n1/n2/n5, /n1/n2/n3/n4, /../../n5",
    "/n1/n2/n3, /n1/n2/n3/n4/n5, /../..",
    "/a/b, /a/c/d, /../../b",
    "/a/b, /a/b, /",
    "/, /, /",
    "/a, /, /a",
    "/, /a/b, /../..",
    "/ab, /a, /../ab",
  })
  void relativizeRendersLikeTheKernel(String path, String root, String rendered) {
    assertThat(NamespacePaths.relativize(path, root)).isEqualTo(rendered);
    assertThat(NamespacePaths.toHost(rendered, root)).isEqualTo(path);
  }

  @Test
  void matchesWhatTheKernelPrintedForTheFixtureContainers() {
    ProcCgroup hostView = ProcCgroupParser.parse(Fixtures.text("hybrid/runc-hostns-cgroup.txt"));
    ProcCgroup readFromOtherNamespace =
        ProcCgroupParser.parse(Fixtures.text("hybrid/runc-hostns-cgroup-read-from-cgroupns.txt"));
    ProcCgroup readerRoots =
        ProcCgroupParser.parse(Fixtures.text("hybrid/runc-cgroupns-cgroup-read-from-host.txt"));

    for (CgroupLine line : hostView.lines()) {
      String readerRoot = readerRoots.hierarchy(line.hierarchyId()).orElseThrow().path();
      String rendered = readFromOtherNamespace.hierarchy(line.hierarchyId()).orElseThrow().path();
      assertThat(NamespacePaths.relativize(line.path(), readerRoot)).isEqualTo(rendered);
      assertThat(NamespacePaths.toHost(rendered, readerRoot)).isEqualTo(line.path());
    }
  }

  @Test
  void mountRootsFollowTheSameRule() {
    List<MountInfoEntry> fromHost =
        MountInfoParser.parse(Fixtures.text("hybrid/runc-hostns-mountinfo.txt")).cgroupMounts();
    List<MountInfoEntry> fromNamespace =
        MountInfoParser.parse(Fixtures.text("hybrid/runc-hostns-mountinfo-read-from-cgroupns.txt"))
            .cgroupMounts();
    ProcCgroup readerRoots =
        ProcCgroupParser.parse(Fixtures.text("hybrid/runc-cgroupns-cgroup-read-from-host.txt"));

    assertThat(fromNamespace).hasSameSizeAs(fromHost);
    for (int i = 0; i < fromHost.size(); i++) {
      MountInfoEntry host = fromHost.get(i);
      String readerRoot =
          readerRoots.lines().stream()
              .filter(l -> !l.isV2() && host.cgroupV1Controllers().containsAll(l.controllers()))
              .findFirst()
              .orElseThrow()
              .path();
      assertThat(NamespacePaths.relativize(host.root(), readerRoot))
          .isEqualTo(fromNamespace.get(i).root());
    }
  }

  @Test
  void toHostRefusesClimbingAboveTheRootAndDotDotAfterNames() {
    assertThatThrownBy(() -> NamespacePaths.toHost("/../../..", "/a/b"))
        .isInstanceOf(CgroupPathException.class)
        .hasMessageContaining("climbs above");
    assertThatThrownBy(() -> NamespacePaths.toHost("/x/../y", "/a"))
        .isInstanceOf(CgroupPathException.class);
    assertThatThrownBy(() -> NamespacePaths.relativize("/a/../b", "/"))
        .isInstanceOf(CgroupPathException.class);
    assertThatThrownBy(() -> NamespacePaths.relativize("/a", "relative"))
        .isInstanceOf(CgroupPathException.class);
  }

  @Test
  void relativizeAndToHostAreInverse() {
    forAll(
        "toHost(relativize(p, r), r) == p",
        2000,
        random -> {
          String path = randomPath(random);
          String root = random.nextInt(4) == 0 ? path : randomPath(random);
          String rendered = NamespacePaths.relativize(path, root);

          assertThat(rendered).startsWith("/");
          assertThat(NamespacePaths.toHost(rendered, root)).isEqualTo(path);
          if (path.equals(root)) {
            assertThat(rendered).isEqualTo("/");
          }
          if (path.startsWith(root.equals("/") ? "/" : root + "/")) {
            assertThat(rendered).doesNotContain("..");
          }
        });
  }

  @Test
  void renderedPathsAreCanonical() {
    forAll(
        "relativize output is the kernel's canonical form",
        2000,
        random -> {
          String path = randomPath(random);
          String root = randomPath(random);
          String rendered = NamespacePaths.relativize(path, root);
          // Re-rendering the host path of a canonical form gives the same form back.
          assertThat(NamespacePaths.relativize(NamespacePaths.toHost(rendered, root), root))
              .isEqualTo(rendered);
          // All ".." segments come first.
          assertThat(rendered.replaceFirst("^(/\\.\\.)+", "")).doesNotContain("/..");
          // Number of ".." = depth(root) - depth(common ancestor).
          long ups = rendered.split("/\\.\\.", -1).length - 1;
          assertThat(ups).isLessThanOrEqualTo(depth(root));
        });
  }

  /** Paths over a small alphabet so that generated paths often share ancestors. */
  static String randomPath(Random random) {
    int depth = random.nextInt(6);
    List<String> segments = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      segments.add(List.of("a", "b", "c", "kubepods", "x y", "p:q", "ab").get(random.nextInt(7)));
    }
    return segments.isEmpty() ? "/" : "/" + String.join("/", segments);
  }

  private static int depth(String path) {
    return path.equals("/") ? 0 : path.split("/").length - 1;
  }
}
