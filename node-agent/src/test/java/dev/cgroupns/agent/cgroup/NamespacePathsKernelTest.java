package dev.cgroupns.agent.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.MountInfoEntry;
import dev.cgroupns.agent.proc.MountInfoParser;
import dev.cgroupns.agent.proc.ProcCgroup;
import dev.cgroupns.agent.proc.ProcCgroupParser;
import dev.cgroupns.agent.testing.RandomCases;
import dev.cgroupns.agent.testing.Requirements;
import dev.cgroupns.agent.testing.TestCgroups;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NamespacePaths} against the real kernel: a helper process is moved into one test cgroup,
 * unshares a cgroup namespace there ({@code unshare -C} from util-linux) and reads the
 * /proc/PID/cgroup of a target process sitting in another test cgroup. The kernel's rendering must
 * equal {@code relativize(target, helperRoot)}, in one v1 hierarchy and in v2.
 */
class NamespacePathsKernelTest {
  private static final List<String> FIXED_TREE =
      List.of("a/b/c", "a/d/e", "a/b/c/x", "f", "a/b/c:colon", "a/with space");

  @BeforeEach
  void requirements() {
    Requirements.requireRoot();
    Requirements.requireExecutable("unshare");
    Requirements.requireLinuxProc();
  }

  @Test
  void kernelRenderingEqualsRelativize() throws Exception {
    // Fixed relations (descendant, ancestor, sibling, equal, cousin) plus seeded random pairs.
    List<String[]> pairs = new ArrayList<>();
    pairs.add(new String[] {"a/b/c", "a/d/e"});
    pairs.add(new String[] {"a/b/c", "a"});
    pairs.add(new String[] {"a/b/c", "a/b/c"});
    pairs.add(new String[] {"a/b/c", "a/b/c/x"});
    pairs.add(new String[] {"f", "a/b/c/x"});
    pairs.add(new String[] {"a/b/c:colon", "a/with space"});
    long seed = Long.getLong("test.seed", new Random().nextLong());
    Random random = new Random(seed);
    Set<String> tree = new LinkedHashSet<>(FIXED_TREE);
    for (int i = 0; i < 4; i++) {
      String target = randomRelative(random);
      String root = randomRelative(random);
      tree.add(target);
      tree.add(root);
      pairs.add(new String[] {target, root});
    }

    try (TestCgroups cgroups = TestCgroups.create("nspaths")) {
      tree.forEach(cgroups::mkdirs);
      for (String[] pair : pairs) {
        checkPair(cgroups, pair[0], pair[1], seed);
      }
    }
  }

  private static void checkPair(TestCgroups cgroups, String target, String root, long seed)
      throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "300").start();
    try {
      cgroups.moveProcess(sleeper.pid(), target);
      String output = readFromNamespaceRootedAt(cgroups, root, sleeper.pid());
      String[] parts = output.split("---\n", -1);
      ProcCgroup seenByHelper = ProcCgroupParser.parse(parts[0]);
      ProcCgroup helperSelf = ProcCgroupParser.parse(parts[1]);
      List<MountInfoEntry> helperMounts = MountInfoParser.parse(parts[2]).cgroupMounts();

      for (var h : cgroups.hierarchies()) {
        String targetHost = cgroups.hostPath(h, target);
        String rootHost = cgroups.hostPath(h, root);
        CgroupLine rendered = seenByHelper.hierarchy(h.hierarchyId()).orElseThrow();
        String why =
            "target %s, namespace root %s in %s (test.seed=%d)"
                .formatted(targetHost, rootHost, h.displayName(), seed);

        assertThat(rendered.path())
            .as(why)
            .isEqualTo(NamespacePaths.relativize(targetHost, rootHost));
        assertThat(NamespacePaths.toHost(rendered.path(), rootHost)).as(why).isEqualTo(targetHost);
        assertThat(helperSelf.hierarchy(h.hierarchyId()).orElseThrow().path())
            .as(why)
            .isEqualTo("/");
      }
    } finally {
      sleeper.destroyForcibly();
      sleeper.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Runs a shell that moves itself into {@code root} in every test hierarchy, then execs {@code
   * unshare -C}: the new cgroup namespace is rooted at those cgroups. The shell inside prints the
   * target's /proc/PID/cgroup, a separator, and its own.
   */
  private static String readFromNamespaceRootedAt(TestCgroups cgroups, String root, long targetPid)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("sh");
    command.add("-c");
    command.add(
        "for f in \"$@\"; do echo $$ > \"$f\" || exit 1; done; "
            + "exec unshare -C sh -c 'cat /proc/"
            + targetPid
            + "/cgroup; echo ---; cat /proc/self/cgroup; echo ---; cat /proc/self/mountinfo'");
    command.add("sh");
    for (var h : cgroups.hierarchies()) {
      command.add(cgroups.directory(h, root).resolve("cgroup.procs").toString());
    }
    Process helper = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(helper.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(helper.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(helper.exitValue()).as("helper output: %s", output).isZero();
    return output;
  }

  private static String randomRelative(Random random) {
    int depth = 1 + random.nextInt(4);
    List<String> segments = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      segments.add(RandomCases.string(random, "ab", 1));
    }
    return String.join("/", segments);
  }
}
