package dev.cgroupns.agent.daemon;

import static dev.cgroupns.agent.daemon.TestObjects.containerId;
import static dev.cgroupns.agent.daemon.TestObjects.runningPod;
import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cgroupns.agent.runc.RuncFixture;
import dev.cgroupns.agent.testing.DaemonSetSettings;
import dev.cgroupns.api.v1alpha1.CgroupIsolationNode;
import dev.cgroupns.testbed.image.ClassDataArchive;
import dev.cgroupns.testbed.runc.ContainerSpec;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Resident memory of a real {@code node-agent run} process at 110 pods, with the DaemonSet's JVM
 * flags. Not a test (the name keeps surefire from picking it up); run it as root after packaging:
 *
 * <pre>
 * mvn -q -B -pl node-agent -am package -DskipTests
 * mvn -q -B -pl node-agent -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=AgentMemoryBench \
 *     [-Dbench.pods=110] [-Dbench.real=5] [-Dbench.nmt=true] [-Dbench.histogram=true] \
 *     [-Dbench.extraJvmFlags="-XX:... -XX:..."] [-Dbench.image=true]
 * </pre>
 *
 * {@code bench.image=true} runs the agent as its image does, after {@code mvn -q -B -Pimages -pl
 * node-agent -am package -DskipTests}: the image's runtime, the jars as the image holds them (the
 * build's staged copy), in that directory with the image's relative class path, and the image's
 * class-data archive of the agent's classes. Without it, the build's JVM and class path, and no
 * archive of the agent's classes.
 *
 * <p>The API is the CRUD mock server with 110 running pods on the agent's node, all listed by one
 * CgroupIsolationNode. {@code bench.real} of them are real runc containers that see the host's
 * cgroupfs (so the agent isolates them, and re-verifies them every 5 s); the others name containers
 * that do not run here and are reported as not found. The agent process is sampled for 30 s once
 * its status covers every pod; the figures are printed (with -Dbench.nmt=true also the JVM's native
 * memory summary, to see what dominates). {@code bench.extraJvmFlags} are added after the
 * DaemonSet's flags, to try other settings before changing the manifest.
 */
class AgentMemoryBench {
  private static final String NODE = "bench-node";

  @Test
  void residentMemoryAt110Pods() throws Exception {
    int podCount = Integer.getInteger("bench.pods", 110);
    int realCount = Integer.getInteger("bench.real", 5);
    Path moduleDir = Path.of("").toAbsolutePath();
    Path lib = moduleDir.resolve("target/lib");
    if (!Files.isDirectory(lib) && System.getProperty("bench.agentClasspath") == null) {
      throw new IllegalStateException(
          "run 'mvn -q -B -pl node-agent -am package -DskipTests' first (needs " + lib + ")");
    }
    try (RuncFixture runc = RuncFixture.create();
        MockApi api = new MockApi()) {
      List<Pod> pods = new ArrayList<>();
      for (int i = 0; i < podCount; i++) {
        pods.add(
            i < realCount
                ? TestObjects.createRunningPod(
                        api.client(),
                        "team",
                        "pod-" + i,
                        NODE,
                        uid -> runc.start(ContainerSpec.plain().withHostCgroupfs(), uid))
                    .pod()
                : api.client()
                    .resource(runningPod("team", "pod-" + i, NODE, containerId()))
                    .create());
      }
      CgroupIsolationNode object =
          api.client()
              .resource(
                  TestObjects.nodeObject("team", "bench-" + NODE, NODE, pods.toArray(Pod[]::new)))
              .create();

      Optional<AsInImage> image =
          Boolean.getBoolean("bench.image")
              ? Optional.of(AsInImage.of(moduleDir))
              : Optional.empty();
      List<String> command = new ArrayList<>();
      command.add(
          image
              .map(i -> i.java().toString())
              .orElse(ProcessHandle.current().info().command().orElse("java")));
      command.addAll(DaemonSetSettings.read().jvmFlags());
      image.ifPresent(i -> command.add("-XX:SharedArchiveFile=" + i.archive()));
      String extra = System.getProperty("bench.extraJvmFlags", "").trim();
      if (!extra.isEmpty()) {
        command.addAll(List.of(extra.split("\\s+")));
      }
      boolean nmt = Boolean.getBoolean("bench.nmt");
      if (nmt) {
        command.add("-XX:NativeMemoryTracking=summary");
      }
      command.addAll(
          List.of(
              "-cp",
              image
                  .map(AsInImage::classPath)
                  .orElse(
                      System.getProperty(
                          "bench.agentClasspath",
                          moduleDir.resolve("target/classes") + File.pathSeparator + lib + "/*")),
              "dev.cgroupns.agent.cli.NodeAgentMain",
              "run",
              "--node-name=" + NODE,
              "--metrics-port=0",
              "--resync-interval=5s",
              "--state-dir=" + runc.workDir().resolve("state")));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(image.map(i -> i.directory().toFile()).orElse(null))
              .redirectErrorStream(true)
              .redirectOutput(
                  Path.of(System.getProperty("java.io.tmpdir"), "agent-memory-bench.log").toFile());
      builder.environment().remove("JAVA_TOOL_OPTIONS");
      builder.environment().putAll(DaemonSetSettings.read().mallocSettings());
      builder.environment().put("KUBERNETES_MASTER", api.client().getMasterUrl().toString());
      builder.environment().put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
      builder.environment().put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
      builder.environment().put("KUBERNETES_NAMESPACE", "default");
      Process agent = builder.start();
      try {
        await()
            .atMost(Duration.ofSeconds(120))
            .failFast("the agent exited; see its log in java.io.tmpdir", () -> !agent.isAlive())
            .until(
                () -> api.client().resource(object).get().getStatus(),
                s ->
                    s != null
                        && s.containers.size() == podCount
                        && s.summary.isolated == realCount);
        long max = 0;
        long last = 0;
        for (int i = 0; i < 30; i++) {
          TimeUnit.SECONDS.sleep(1);
          last = statusKib(agent.pid(), "VmRSS");
          max = Math.max(max, last);
        }
        long hwm = statusKib(agent.pid(), "VmHWM");
        long anonymous = statusKib(agent.pid(), "RssAnon");
        long threads = statusKib(agent.pid(), "Threads");
        System.out.println("agent threads: " + threadNames(agent.pid()));
        System.out.println("agent RSS by mapping (KiB): " + rssByMapping(agent.pid()));
        if (nmt) {
          System.out.println(jcmd(agent.pid(), "VM.native_memory", "summary"));
        }
        if (Boolean.getBoolean("bench.histogram")) {
          // What the heap holds, largest first.
          System.out.println(
              jcmd(agent.pid(), "GC.class_histogram").lines().limit(40).collect(joining("\n")));
        }
        System.out.printf(
            "node-agent run%s, %d pods (%d real runc containers isolated, re-verified every 5 s):"
                + " RSS after 30 s %.1f MiB (anonymous %.1f: what a pod's cgroup charges when the"
                + " image's files are charged to the runtime that unpacked them), max sampled"
                + " %.1f MiB, peak (VmHWM) %.1f MiB, %d threads%n",
            image.isPresent() ? " as in its image" : "",
            podCount,
            realCount,
            last / 1024.0,
            anonymous / 1024.0,
            max / 1024.0,
            hwm / 1024.0,
            threads);
        System.out.println(
            "rerun (root): mvn -q -B -pl node-agent -am test -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dtest=AgentMemoryBench [-Dbench.image=true]");
        assertThat(agent.isAlive()).isTrue();
      } finally {
        agent.destroy(); // SIGTERM: the agent finishes its pass and exits
        if (!agent.waitFor(30, TimeUnit.SECONDS)) {
          agent.destroyForcibly();
        }
      }
    }
  }

  /** The agent as its image runs it, from the image build's staged copy of its jars. */
  private record AsInImage(Path java, Path directory, Path archive, String classPath) {
    static AsInImage of(Path moduleDir) throws IOException {
      Path archive = moduleDir.resolve("target/cds/node-agent.jsa");
      Path directory = ClassDataArchive.stageOf(archive);
      Path java = moduleDir.resolveSibling("testbed/target/jre-base-image.tar.runtime/bin/java");
      Path classPath = directory.resolve(ClassDataArchive.CLASS_PATH_FILE);
      for (Path needed : List.of(archive, java, classPath)) {
        if (!Files.exists(needed)) {
          throw new IllegalStateException(
              "run 'mvn -q -B -Pimages -pl node-agent -am package -DskipTests' first (needs "
                  + needed
                  + ")");
        }
      }
      return new AsInImage(java, directory, archive, Files.readString(classPath).trim());
    }
  }

  private static String jcmd(long pid, String... command) throws IOException {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    line.add(Long.toString(pid));
    line.addAll(List.of(command));
    Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
    return new String(jcmd.getInputStream().readAllBytes());
  }

  /** Runs the bench without JUnit (from the node-agent directory, as root). */
  public static void main(String[] args) throws Exception {
    new AgentMemoryBench().residentMemoryAt110Pods();
  }

  /**
   * Resident KiB per mapped file (libjvm.so, the class-data archive, ...) and for anonymous memory
   * (heap, metaspace, stacks, malloc), largest first: what the RSS is made of.
   */
  private static java.util.Map<String, Long> rssByMapping(long pid) throws IOException {
    java.util.Map<String, Long> byName = new java.util.HashMap<>();
    String current = "?";
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 5 && fields[0].contains("-") && !line.startsWith("Rss")) {
        current = fields.length >= 6 ? Path.of(fields[5]).getFileName().toString() : "[anon]";
      } else if (line.startsWith("Rss:")) {
        byName.merge(current, Long.parseLong(fields[1]), Long::sum);
      }
    }
    java.util.Map<String, Long> largest = new java.util.LinkedHashMap<>();
    byName.entrySet().stream()
        .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(8)
        .forEach(e -> largest.put(e.getKey(), e.getValue()));
    return largest;
  }

  /** The agent's threads by name (digits folded), to see which pools cost stacks. */
  private static java.util.Map<String, Long> threadNames(long pid) throws IOException {
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      return tasks
          .map(
              t -> {
                try {
                  return Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+", "N");
                } catch (IOException e) {
                  return "?";
                }
              })
          .collect(
              java.util.stream.Collectors.groupingBy(
                  n -> n, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }
  }

  private static long statusKib(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
  }
}
