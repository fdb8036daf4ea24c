package dev.cgroupns.e2e.launchers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cgroupns.agent.testing.Requirements;
import dev.cgroupns.testbed.cluster.KubeBinaries;
import dev.cgroupns.testbed.cluster.TestClusters;
import dev.cgroupns.testbed.precondition.Precondition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every launcher and bench script of node-agent/bin and e2e/bin runs in a fresh clone with nothing
 * of this project in the local Maven repository: each must build what it runs from the checkout
 * (-am), as a newcomer's first run does.
 *
 * <p>The clone holds the checkout's files as git knows them (committed, edited and new, without
 * what .gitignore leaves out, such as target/), so uncommitted edits of a launcher are what gets
 * tested and no module is built yet. The local Maven repository the scripts use (through
 * MAVEN_OPTS=-Dmaven.repo.local=...) is a copy of this build's own without dev/cgroupns: the
 * third-party artifacts are at hand, so nothing new is downloaded, and a project module that a
 * script does not build in its reactor cannot be found. Jars are hard-linked rather than copied
 * where the file system allows: a download lands in a temporary file renamed over the jar, and the
 * scripts never install, so a linked jar is never written through; metadata files, which Maven
 * rewrites in place, are copied.
 *
 * <p>The launchers run in one clone, in order, each reusing what the earlier ones built. On two
 * cores shared with other builds (load average 16) that took about 3 minutes: 30 s for the agent's
 * first build, 10 s for its bench, 2.5 minutes for the system bench's build and one round. Hence it
 * runs under CI=true only (bin/test) and skips, with that reason, otherwise.
 */
@TestMethodOrder(OrderAnnotation.class)
class LaunchersFromCleanCloneTest {
  private static final long TIMEOUT_MINUTES = 15;

  /** What each test below runs; a new script must be added to both. */
  private static final List<String> LAUNCHERS =
      List.of(
          "e2e/bin/bench",
          "node-agent/bin/bench",
          "node-agent/bin/node-agent",
          "sandbox/bin/sandbox",
          "bin/build",
          "bin/setup",
          "bin/test");

  @TempDir static Path work;
  private static Path clone;
  private static Path repository;

  @Test
  void everyLauncherIsRunHere() throws IOException {
    List<String> scripts = new ArrayList<>();
    for (String dir : List.of("e2e/bin", "node-agent/bin", "sandbox/bin", "bin")) {
      try (Stream<Path> files = Files.list(TestClusters.checkout().resolve(dir))) {
        files.map(f -> dir + "/" + f.getFileName()).forEach(scripts::add);
      }
    }
    assertThat(scripts).containsExactlyInAnyOrderElementsOf(LAUNCHERS);
  }

  @Test
  @Order(1)
  void nodeAgentBuildsItselfThenStartsAtOnce() throws Exception {
    Run first = run("node-agent/bin/node-agent", "--help");
    assertThat(first.exit).as(first.describe()).isZero();
    assertThat(first.stdout).as(first.describe()).contains("Usage: node-agent");
    // The progress names each module of the reactor: the api came from the checkout, not ~/.m2.
    // Whatever the reactor's size, the api is built early and the agent last.
    assertThat(first.stderr)
        .as(first.describe())
        .containsPattern("build: \\[2/\\d+\\] cgroup-isolation-api")
        .containsPattern("build: \\[(\\d+)/\\1\\] node-agent");

    Run second = run("node-agent/bin/node-agent", "--help");
    assertThat(second.exit).as(second.describe()).isZero();
    assertThat(second.stderr)
        .as("nothing changed, nothing rebuilt: " + second.describe())
        .doesNotContain("build:");
    assertNothingInstalled();
  }

  @Test
  @Order(2)
  void nodeAgentBench() throws Exception {
    Requirements.requireRunc();
    Requirements.requireBusybox();
    Run bench = run("node-agent/bin/bench", "1", "1");
    assertThat(bench.exit).as(bench.describe()).isZero();
    assertThat(bench.stdout).as(bench.describe()).contains("ratio shell / agent isolate");
    assertNothingInstalled();
  }

  @Test
  @Order(3)
  void systemBench() throws Exception {
    Requirements.requireRunc();
    Requirements.requireBusybox();
    KubeBinaries.Lookup kube =
        KubeBinaries.find(TestClusters.checkout(), KubeBinaries.CONTROL_PLANE);
    Precondition.require(
        kube.binaries().isPresent(), "needs the Kubernetes binaries: " + kube.whyMissing());
    Run bench =
        run(
            "e2e/bin/bench",
            "ready",
            "-Dbench.containers=1",
            "-Dbench.rounds=1",
            "-Dbench.warmup=0");
    assertThat(bench.exit).as(bench.describe()).isZero();
    assertThat(bench.stdout).as(bench.describe()).contains("creation to Ready median");
    assertNothingInstalled();
  }

  /**
   * The README's first command, as a newcomer runs it: it sets itself up (bin/setup, bin/build),
   * runs the whole system on the real control plane and leaves nothing behind. bin/build runs in
   * every launcher here, bin/setup in this one and in bin/test, which is this very test run.
   */
  @Test
  @Order(4)
  void sandbox() throws Exception {
    Requirements.requireRunc();
    Requirements.requireBusybox();
    Run sandbox = run("sandbox/bin/sandbox", "--once");
    assertThat(sandbox.exit).as(sandbox.describe()).isZero();
    assertThat(sandbox.stderr + sandbox.stdout)
        .as(sandbox.describe())
        .contains("build: [", "Ready", "nothing left behind");
    assertNothingInstalled();
  }

  private record Run(String command, int exit, String stdout, String stderr) {
    String describe() {
      return command
          + " exited "
          + exit
          + "\n--- stdout:\n"
          + tail(stdout)
          + "\n--- stderr:\n"
          + tail(stderr);
    }

    private static String tail(String text) {
      List<String> lines = text.lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }
  }

  /** Runs a script of the clone, from another directory (they must work from anywhere). */
  private static Run run(String script, String... args) throws Exception {
    Precondition.require(
        Precondition.inCi(),
        "runs every launcher in a fresh clone, which builds the project there (minutes);"
            + " bin/test runs it (CI=true)");
    prepare();
    List<String> command = new ArrayList<>(List.of(clone.resolve(script).toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
    Map<String, String> env = builder.environment();
    env.put(
        "MAVEN_OPTS",
        (env.getOrDefault("MAVEN_OPTS", "") + " -Dmaven.repo.local=" + repository).trim());
    String name = Path.of(script).getFileName() + "-" + System.nanoTime();
    Path stdout = work.resolve(name + ".out");
    Path stderr = work.resolve(name + ".err");
    Process process =
        builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    boolean exited = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
    if (!exited) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
    Run result =
        new Run(
            String.join(" ", command),
            process.exitValue(),
            Files.readString(stdout, StandardCharsets.UTF_8),
            Files.readString(stderr, StandardCharsets.UTF_8));
    assertThat(exited).as("ran for %d minutes: %s", TIMEOUT_MINUTES, result.describe()).isTrue();
    return result;
  }

  /** The scripts never install: the project's artifacts stay out of the local repository. */
  private static void assertNothingInstalled() {
    assertThat(repository.resolve("dev/cgroupns")).doesNotExist();
  }

  /** Makes the clone and the repository copy once, for every test of the class. */
  private static synchronized void prepare() throws Exception {
    if (clone != null) {
      return;
    }
    Path checkout = TestClusters.checkout();
    Path target = Files.createDirectory(work.resolve("clone"));
    Process git =
        new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
            .directory(checkout.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] listing = git.getInputStream().readAllBytes();
    Precondition.require(
        git.waitFor() == 0, "needs the checkout to be a git work tree (git ls-files failed)");
    for (String file : new String(listing, StandardCharsets.UTF_8).split("\0")) {
      Path from = checkout.resolve(file);
      // Deleted in the work tree but not yet in the index: a clone of the edits has none.
      if (file.isEmpty() || !Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      Path to = target.resolve(file);
      Files.createDirectories(to.getParent());
      Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    }
    Path copy = work.resolve("m2");
    copyWithoutProject(localRepository(), copy);
    repository = copy;
    clone = target;
  }

  /** This build's local repository, as Maven resolved it (the pom passes it to surefire). */
  private static Path localRepository() {
    String configured = System.getProperty("launchers.localRepository");
    return configured != null
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  private static void copyWithoutProject(Path from, Path to) throws IOException {
    Path project = from.resolve("dev/cgroupns");
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (dir.equals(project)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path copy = to.resolve(from.relativize(file).toString());
            if (file.getFileName().toString().endsWith(".jar")) {
              try {
                Files.createLink(copy, file);
                return FileVisitResult.CONTINUE;
              } catch (FileSystemException | UnsupportedOperationException e) {
                // Another file system: copy it like the rest.
              }
            }
            Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
