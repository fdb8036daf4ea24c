package dev.cgroupns.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.sandbox.testing.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's command with {@code --once}, as a separate process on the real machine: it must end
 * Ready with the before/after views, and leave nothing behind.
 */
class SandboxOnceTest {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void onceEndsReadyShowsTheChangeAndLeavesNothingBehind() throws Exception {
    Requirements.requireRootAndRunc();
    String mountsBefore = Files.readString(Path.of("/proc/self/mountinfo"));
    String defaultRuncBefore = runcList();

    Path log = Files.createTempFile("sandbox-once", ".log");
    Process sandbox =
        new ProcessBuilder(
                javaBinary(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.cgroupns.sandbox.SandboxMain",
                "--once",
                "--pods",
                "2",
                "--repository",
                REPO.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    String cgroupName = "cgns-sandbox-" + Long.toHexString(sandbox.pid());
    boolean finished = sandbox.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      sandbox.destroy();
      sandbox.waitFor(1, TimeUnit.MINUTES);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);

    assertThat(finished).as("sandbox --once did not finish:\n%s", output).isTrue();
    assertThat(sandbox.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("installed CRDs")
        .contains("operator running in-process")
        .contains("node agent running in-process for node local")
        .contains("pod demo-0: runc container")
        .contains("pod demo-1: runc container")
        .containsPattern("status: Ready=True")
        .contains("=== what demo-0-app sees ===")
        .contains("done, nothing left behind");

    String mounts = section(output, "cgroup mounts (mount point, root, type, access)");
    String before = mounts.substring(0, mounts.indexOf("  after:"));
    String after = mounts.substring(mounts.indexOf("  after:"));
    assertThat(before).contains("/sys/fs/cgroup/memory  root=/  cgroup  rw");
    assertThat(after).doesNotContain("/sys/fs/cgroup/memory  root=/  cgroup  rw");
    assertThat(after).containsPattern("/sys/fs/cgroup/memory  root=\\S*/kubepods/besteffort/pod");
    int[] reachable = beforeAfterNumbers(section(output, "cgroup directories it can reach"));
    assertThat(reachable[1]).isLessThan(reachable[0]);

    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).isEqualTo(mountsBefore);
    assertThat(runcList()).isEqualTo(defaultRuncBefore);
    assertThat(cgroupDirectoriesNamed(cgroupName)).isEmpty();
    assertThat(processesInCgroupsNamed(cgroupName)).isEmpty();
    Matcher workDir = Pattern.compile("kubeconfig written to (\\S+)/kubeconfig").matcher(output);
    assertThat(workDir.find()).as(output).isTrue();
    assertThat(Path.of(workDir.group(1))).doesNotExist();
  }

  private static String section(String output, String title) {
    int start = output.indexOf("--- " + title);
    assertThat(start).as("section %s in:\n%s", title, output).isNotNegative();
    int end = output.indexOf("\n--- ", start + 4);
    return output.substring(start, end < 0 ? output.length() : end);
  }

  private static int[] beforeAfterNumbers(String section) {
    Matcher m = Pattern.compile("before:\\s+(\\d+)\\s+after:\\s+(\\d+)").matcher(section);
    assertThat(m.find()).as(section).isTrue();
    return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
  }

  private static List<Path> cgroupDirectoriesNamed(String name) throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
      for (Path hierarchy : hierarchies.toList()) {
        if (Files.isSymbolicLink(hierarchy) || !Files.isDirectory(hierarchy)) {
          continue;
        }
        try (Stream<Path> walk = Files.walk(hierarchy, 6)) {
          walk.filter(p -> p.getFileName().toString().equals(name)).forEach(found::add);
        }
      }
    }
    return found;
  }

  private static List<String> processesInCgroupsNamed(String name) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String stat = Files.readString(proc.resolve("stat"));
          char state = stat.charAt(stat.lastIndexOf(')') + 2);
          // A zombie holds no resources; it waits for a reaper this test does not control.
          boolean live = state != 'Z' && state != 'X';
          if (live && Files.readString(proc.resolve("cgroup")).contains("/" + name + "/")) {
            found.add(proc.getFileName().toString());
          }
        } catch (IOException gone) {
          // exited while we looked
        }
      }
    }
    return found;
  }

  private static String runcList() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("/usr/sbin/runc", "list", "-q").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
