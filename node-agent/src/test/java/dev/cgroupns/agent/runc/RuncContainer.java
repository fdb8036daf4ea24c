package dev.cgroupns.agent.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cgroupns.agent.proc.ProcFs;
import dev.cgroupns.agent.proc.ProcessIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real runc container for tests: a busybox rootfs, kubelet-style cgroups under a {@link
 * TestCgroupTree}, started detached ({@code runc run -d}) with {@code sleep} as its process.
 *
 * <p>runc keeps its state under a private {@code --root} in the test's work directory, so the tests
 * never see or touch containers of anyone else on the machine.
 */
public final class RuncContainer implements AutoCloseable {
  private static final String RUNC = "/usr/sbin/runc";
  private static final Path BUSYBOX = Path.of("/bin/busybox");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Names the trap rootfs replaces; a trap leaves /.trap-markers/NAME when run. */
  public static final List<String> TRAPPED =
      List.of("mount", "umount", "sh", "nsenter", "unshare", "ash");

  private final String name;
  private final Path bundle;
  private final Path runcRoot;
  private final String containerId;
  private final String cgroupsPath;
  private final int pid;

  private RuncContainer(
      String name, Path bundle, Path runcRoot, String containerId, String cgroupsPath, int pid) {
    this.name = name;
    this.bundle = bundle;
    this.runcRoot = runcRoot;
    this.containerId = containerId;
    this.cgroupsPath = cgroupsPath;
    this.pid = pid;
  }

  /** Builds the bundle under {@code workDir} and starts the container. */
  public static RuncContainer start(Path workDir, TestCgroupTree cgroups, ContainerSpec spec) {
    String name = "cgns-" + HexFormat.of().formatHex(randomBytes(4));
    String containerId = HexFormat.of().formatHex(randomBytes(32));
    Path bundle = workDir.resolve(name);
    Path runcRoot = workDir.resolve("runc-state");
    String cgroupsPath = cgroups.root() + kubeletPath(spec.driver(), containerId);
    try {
      Files.createDirectories(runcRoot);
      buildRootfs(bundle.resolve("rootfs"), spec.traps());
      run(List.of(RUNC, "spec", "--bundle", bundle.toString()), bundle);
      writeConfig(bundle.resolve("config.json"), spec, cgroupsPath);
      run(
          List.of(
              RUNC,
              "--root",
              runcRoot.toString(),
              "run",
              "-d",
              "--bundle",
              bundle.toString(),
              name),
          bundle);
      int pid = statePid(runcRoot, name);
      return new RuncContainer(name, bundle, runcRoot, containerId, cgroupsPath, pid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int pid() {
    return pid;
  }

  public ProcessIdentity identity() {
    return ProcFs.host().identity(pid).orElseThrow();
  }

  /** The 64-hex container ID used as the cgroup leaf name. */
  public String containerId() {
    return containerId;
  }

  /** Its cgroup path on the host (same in every hierarchy). */
  public String cgroupsPath() {
    return cgroupsPath;
  }

  public Path rootfs() {
    return bundle.resolve("rootfs");
  }

  /** Runs a program in the container ({@code runc exec}, no shell) and returns its stdout. */
  public String exec(String... args) {
    List<String> command =
        new ArrayList<>(List.of(RUNC, "--root", runcRoot.toString(), "exec", name));
    command.addAll(List.of(args));
    return run(command, bundle);
  }

  /** Kills the container's process and waits until runc reports it stopped. */
  public void kill() {
    run(List.of(RUNC, "--root", runcRoot.toString(), "kill", name, "KILL"), bundle);
    for (int i = 0; i < 500 && isRunning(pid); i++) {
      sleep(10);
    }
  }

  /** {@code runc delete -f}; removes the container's own cgroup, not its pod's. */
  @Override
  public void close() {
    run(List.of(RUNC, "--root", runcRoot.toString(), "delete", "-f", name), bundle);
  }

  private static String kubeletPath(ContainerSpec.Driver driver, String containerId) {
    String podUid = UUID.randomUUID().toString();
    return switch (driver) {
      case CGROUPFS -> "/kubepods/burstable/pod" + podUid + "/" + containerId;
      case SYSTEMD_NAMES -> {
        String u = podUid.replace('-', '_');
        yield "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
            + u
            + ".slice/cri-containerd-"
            + containerId
            + ".scope";
      }
    };
  }

  private static void buildRootfs(Path rootfs, boolean traps) throws IOException {
    Path bin = rootfs.resolve("bin");
    Files.createDirectories(bin);
    for (String dir : List.of("proc", "sys", "dev", "tmp", "etc", "sbin", "usr/bin", "usr/sbin")) {
      Files.createDirectories(rootfs.resolve(dir));
    }
    Files.copy(BUSYBOX, bin.resolve("busybox"));
    for (String applet : run(List.of(BUSYBOX.toString(), "--list"), rootfs).split("\n")) {
      if (!applet.isBlank() && !applet.equals("busybox")) {
        Files.createSymbolicLink(bin.resolve(applet.trim()), Path.of("busybox"));
      }
    }
    if (traps) {
      installTraps(rootfs);
      plantClassPathTraps(rootfs);
    }
  }

  /**
   * Replaces each trapped name in /bin, /sbin, /usr/bin, /usr/sbin by a script run by a private
   * busybox copy (/.trap/busybox, so the trap does not need the trapped /bin/sh itself) that writes
   * /.trap-markers/NAME and fails.
   */
  private static void installTraps(Path rootfs) throws IOException {
    Path trapDir = rootfs.resolve(".trap");
    Files.createDirectories(trapDir);
    Files.createDirectories(rootfs.resolve(".trap-markers"));
    Files.copy(BUSYBOX, trapDir.resolve("busybox"));
    for (String trapped : TRAPPED) {
      String script =
          "#!/.trap/busybox sh\n"
              + "/.trap/busybox date > /.trap-markers/"
              + trapped
              + "\n"
              + "exit 99\n";
      for (String dir : List.of("bin", "sbin", "usr/bin", "usr/sbin")) {
        Path target = rootfs.resolve(dir).resolve(trapped);
        Files.deleteIfExists(target);
        Files.writeString(target, script);
        target.toFile().setExecutable(true, false);
      }
    }
  }

  /**
   * Plants garbage at every path of this JVM's class path inside the rootfs: each .class file of a
   * class directory and each jar. A JVM thread that entered the container's mount namespace and
   * then loaded a class or opened a jar by path would get the container's file, fail to load it,
   * and the isolation would fail (safety rule 1).
   */
  private static void plantClassPathTraps(Path rootfs) throws IOException {
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry).toAbsolutePath();
      if (Files.isDirectory(path)) {
        try (var walk = Files.walk(path)) {
          for (Path file : walk.filter(f -> f.toString().endsWith(".class")).toList()) {
            plantGarbage(rootfs, file);
          }
        }
      } else if (Files.isRegularFile(path)) {
        plantGarbage(rootfs, path);
      }
    }
  }

  private static void plantGarbage(Path rootfs, Path hostPath) throws IOException {
    Path inside = rootfs.resolve(hostPath.toString().substring(1));
    Files.createDirectories(inside.getParent());
    Files.writeString(inside, "planted by the container: not a class file, not a jar\n");
  }

  /** Marker files left by traps that ran. */
  public List<String> trapMarkers() {
    Path markers = rootfs().resolve(".trap-markers");
    try (var files = Files.list(markers)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeConfig(Path configFile, ContainerSpec spec, String cgroupsPath)
      throws IOException {
    ObjectNode config = (ObjectNode) JSON.readTree(configFile.toFile());
    ObjectNode process = (ObjectNode) config.get("process");
    process.put("terminal", false);
    process.putArray("args").add("sleep").add("100000");
    ((ObjectNode) config.get("root")).put("readonly", false);
    ObjectNode linux = (ObjectNode) config.get("linux");
    linux.put("cgroupsPath", cgroupsPath);
    if (spec.sharedPropagation()) {
      linux.put("rootfsPropagation", "rshared");
    }
    ArrayNode namespaces = (ArrayNode) linux.get("namespaces");
    if (spec.cgroupNamespace()) {
      namespaces.addObject().put("type", "cgroup");
    }
    ArrayNode mounts = (ArrayNode) config.get("mounts");
    for (int i = mounts.size() - 1; i >= 0; i--) {
      JsonNode mount = mounts.get(i);
      if (!"/sys/fs/cgroup".equals(mount.get("destination").asText())) {
        continue;
      }
      if (spec.hostCgroupfs()) {
        mounts.remove(i);
      } else if (spec.writableCgroupMount()) {
        ArrayNode options = (ArrayNode) mount.get("options");
        for (int j = options.size() - 1; j >= 0; j--) {
          if (options.get(j).asText().equals("ro")) {
            options.remove(j);
          }
        }
      }
    }
    if (spec.hostCgroupfs()) {
      ObjectNode bind = mounts.addObject();
      bind.put("destination", "/sys/fs/cgroup");
      bind.put("type", "bind");
      bind.put("source", "/sys/fs/cgroup");
      bind.putArray("options").add("rbind").add("rw");
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(configFile.toFile(), config);
  }

  private static int statePid(Path runcRoot, String name) throws IOException {
    String state = run(List.of(RUNC, "--root", runcRoot.toString(), "state", name), runcRoot);
    return JSON.readTree(state).get("pid").asInt();
  }

  /** Runs a host command, returning stdout; fails with its stderr on a non-zero exit. */
  static String run(List<String> command, Path dir) {
    try {
      Path out = Files.createTempFile("runc-out", ".txt");
      Path err = Files.createTempFile("runc-err", ".txt");
      try {
        Process p =
            new ProcessBuilder(command)
                .directory(Files.isDirectory(dir) ? dir.toFile() : null)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("timed out: " + command);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
          throw new IllegalStateException(
              command + " exited " + p.exitValue() + ": " + Files.readString(err) + stdout);
        }
        return stdout;
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** Alive and not a zombie (PID 1 here may not reap orphans promptly). */
  static boolean isRunning(int pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
