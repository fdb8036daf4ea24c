package dev.cgroupns.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.cgroup.NamespacePaths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CgroupRelationTest {
  @ParameterizedTest
  @CsvSource({
    "/, /, OWN_SUBTREE",
    "/, /kubepods/pod1/c, WIDER",
    "/kubepods/pod1/c, /kubepods/pod1/c, OWN_SUBTREE",
    "/kubepods/pod1/c/sub, /kubepods/pod1/c, NARROWER",
    "/kubepods/pod2, /kubepods/pod1/c, ELSEWHERE",
    "/.., /, WIDER",
    "/../.., /.., WIDER",
    "/../x, /, ELSEWHERE",
    "/sub, /, NARROWER",
    "/, /.., NARROWER",
    "/../x, /../x/y, WIDER",
  })
  void examples(String root, String own, CgroupRelation expected) {
    assertThat(CgroupRelation.of(root, own)).isEqualTo(expected);
  }

  /**
   * Property: for random host paths and a random namespace root, the relation computed from the
   * paths as the kernel renders them for that namespace equals the relation of the host paths.
   */
  @Test
  void renderingForAnyNamespaceKeepsTheRelation() {
    Random random = new Random(20261129);
    for (int i = 0; i < 5000; i++) {
      String root = randomPath(random);
      String own = randomPath(random);
      String nsRoot = randomPath(random);
      CgroupRelation onHost = CgroupRelation.of(root, own);
      String renderedRoot = NamespacePaths.relativize(root, nsRoot);
      String renderedOwn = NamespacePaths.relativize(own, nsRoot);

      assertThat(CgroupRelation.of(renderedRoot, renderedOwn))
          .as(
              "root %s own %s namespace %s (rendered %s, %s)",
              root, own, nsRoot, renderedRoot, renderedOwn)
          .isEqualTo(onHost);
    }
  }

  @Test
  void onlyWiderAndElsewhereExposeMore() {
    assertThat(CgroupRelation.WIDER.exposesMore()).isTrue();
    assertThat(CgroupRelation.ELSEWHERE.exposesMore()).isTrue();
    assertThat(CgroupRelation.OWN_SUBTREE.exposesMore()).isFalse();
    assertThat(CgroupRelation.NARROWER.exposesMore()).isFalse();
  }

  /** Paths over a tiny alphabet so that shared prefixes, equal paths and siblings are common. */
  private static String randomPath(Random random) {
    int depth = random.nextInt(5);
    List<String> segments = new ArrayList<>();
    for (int d = 0; d < depth; d++) {
      segments.add(List.of("a", "b", "kubepods", "pod1").get(random.nextInt(4)));
    }
    return "/" + String.join("/", segments);
  }
}
