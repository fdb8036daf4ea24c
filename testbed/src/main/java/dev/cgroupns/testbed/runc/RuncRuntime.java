package dev.cgroupns.testbed.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cgroupns.testbed.image.ImageArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Starts real runc containers that stand in for pods' containers: a busybox root filesystem, a long
 * sleep as the process, and a cgroup named the way kubelet names a pod's container, below a {@link
 * CgroupRoot} (see {@link KubeletCgroupPath}).
 *
 * <p>runc keeps its state under a private {@code --root} in the run's work directory, so a run sees
 * and deletes only its own containers, never anyone else's on the machine.
 */
public final class RuncRuntime {

  /** runc's state directory inside the work directory. */
  public static final String STATE_DIR = "runc-state";

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String runc;
  private final Path workDir;
  private final Path stateDir;
  private final BusyboxRootfs rootfs;
  private final CgroupRoot cgroups;

  /**
   * @param runc the runc binary
   * @param workDir where bundles and runc's state go (the run's own directory)
   * @param rootfs how root filesystems are built
   * @param cgroups where the containers' cgroups go
   */
  public RuncRuntime(String runc, Path workDir, BusyboxRootfs rootfs, CgroupRoot cgroups) {
    this.runc = runc;
    this.workDir = workDir;
    this.stateDir = workDir.resolve(STATE_DIR);
    this.rootfs = rootfs;
    this.cgroups = cgroups;
  }

  /** Starts a {@link ContainerSpec#privilegedPod() privileged pod's} container. */
  public DemoContainer start(String name, String podUid) {
    return start(name, podUid, ContainerSpec.privilegedPod());
  }

  /**
   * Builds a bundle and runs the container detached; returns once runc reports its PID.
   *
   * @param name runc's name for it, unique in this runtime (also its hostname)
   * @param podUid the UID of the pod it stands for, part of its cgroup path
   */
  public DemoContainer start(String name, String podUid, ContainerSpec spec) {
    return launch(name, podUid, spec, "run", "-d");
  }

  /**
   * Creates the container without starting it, as a CRI runtime does before the kubelet's start:
   * its init has made every mount and waits, blocked opening runc's exec FIFO, until {@link
   * #startCreated}. The returned PID is that init's, which the container's program then keeps.
   */
  public DemoContainer create(String name, String podUid, ContainerSpec spec) {
    return launch(name, podUid, spec, "create");
  }

  /** Starts a container made by {@link #create}: its init execs the container's program. */
  public void startCreated(DemoContainer container) {
    CommandRunner.run(runcCommand("start", container.name()));
  }

  private DemoContainer launch(String name, String podUid, ContainerSpec spec, String... how) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad container name: " + name);
    }
    String containerId = randomContainerId();
    String cgroupsPath =
        KubeletCgroupPath.forContainer(cgroups.path(), spec.driver(), podUid, containerId);
    Path bundle = bundle(name);
    try {
      Files.createDirectories(stateDir);
      rootfs.build(bundle.resolve("rootfs"));
      if (spec.traps()) {
        RootfsTraps.install(bundle.resolve("rootfs"), rootfs.busybox());
      }
      CommandRunner.run(List.of(runc, "spec", "--bundle", bundle.toString()));
      Path configFile = bundle.resolve("config.json");
      JsonNode defaults = JSON.readTree(configFile.toFile());
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(
              configFile.toFile(),
              OciConfig.forContainer(defaults, spec, cgroupsPath, name, Cgroup2Flags.ofHost()));
      List<String> command = new ArrayList<>(List.of(how));
      command.addAll(List.of("--bundle", bundle.toString(), name));
      CommandRunner.run(runcCommand(command.toArray(String[]::new)));
      int pid = JSON.readTree(CommandRunner.run(runcCommand("state", name))).path("pid").asInt();
      return new DemoContainer(name, containerId, podUid, cgroupsPath, pid, this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs an image archive's process to its end in a container of its own (runc run in the
   * foreground, deleted when it exits) and returns its stdout; a non-zero exit throws with its
   * output. The rootfs is the image's layers, unpacked: nothing of busybox or the host is in it.
   *
   * @param args in place of the image's Cmd, after its Entrypoint
   */
  public String runImage(String name, Path archive, List<String> args, OciConfig.ImageRole role) {
    return runImage(name, archive, args, Map.of(), role);
  }

  /**
   * As {@link #runImage(String, Path, List, OciConfig.ImageRole)}, {@code env} added to the
   * image's.
   */
  public String runImage(
      String name,
      Path archive,
      List<String> args,
      Map<String, String> env,
      OciConfig.ImageRole role) {
    Path bundle = imageBundle(name, archive, args, env, role);
    return CommandRunner.run(runcCommand("run", "--bundle", bundle.toString(), name));
  }

  /**
   * Starts an image archive's process detached, as {@link #runImage} would run it, with {@code env}
   * added to the image's environment; {@link #delete} or {@link #deleteAll} ends it.
   */
  public void startImage(
      String name,
      Path archive,
      List<String> args,
      Map<String, String> env,
      OciConfig.ImageRole role) {
    Path bundle = imageBundle(name, archive, args, env, role);
    CommandRunner.run(runcCommand("run", "-d", "--bundle", bundle.toString(), name));
  }

  private Path imageBundle(
      String name,
      Path archive,
      List<String> args,
      Map<String, String> env,
      OciConfig.ImageRole role) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad container name: " + name);
    }
    Path bundle = bundle(name);
    try {
      Files.createDirectories(stateDir);
      Files.createDirectories(bundle);
      ImageArchive image = ImageArchive.unpack(archive, bundle.resolve("rootfs"));
      CommandRunner.run(List.of(runc, "spec", "--bundle", bundle.toString()));
      Path configFile = bundle.resolve("config.json");
      JsonNode defaults = JSON.readTree(configFile.toFile());
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(
              configFile.toFile(),
              OciConfig.forImage(
                  defaults,
                  image.config(),
                  image.config().command(args),
                  env,
                  cgroups.path() + "/" + name,
                  name,
                  role,
                  boundingCapabilities()));
      return bundle;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The OCI bundle (config.json, rootfs) of the container with this name. */
  public Path bundle(String name) {
    return workDir.resolve("bundles").resolve(name);
  }

  /** Runs a program inside the container ({@code runc exec}, no shell) and returns its stdout. */
  public String exec(DemoContainer container, String... args) {
    return execWith(container, List.of(), args);
  }

  /**
   * Runs a command in the container with capabilities added to those of its spec, e.g. {@code
   * CAP_SYS_ADMIN} for a process that mounts, as a privileged pod's container could.
   */
  public String execWith(DemoContainer container, List<String> capabilities, String... args) {
    List<String> command = runcCommand("exec");
    for (String capability : capabilities) {
      command.addAll(List.of("--cap", capability));
    }
    command.add(container.name());
    command.addAll(List.of(args));
    return CommandRunner.run(command);
  }

  /**
   * Kills the container's process with SIGKILL and waits until it is gone, as a crash would; the
   * container stays listed (stopped) until deleted.
   */
  public void kill(DemoContainer container) {
    CommandRunner.run(runcCommand("kill", container.name(), "KILL"));
    for (int i = 0; i < 500 && ProcessOwner.isRunning(container.pid()); i++) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Names of the containers in this runtime's runc root. */
  public List<String> list() {
    if (!Files.isDirectory(stateDir)) {
      return List.of();
    }
    return CommandRunner.run(runcCommand("list", "-q")).lines().filter(l -> !l.isBlank()).toList();
  }

  /** Kills and deletes the container ({@code runc delete -f}); its own cgroup goes with it. */
  public void delete(String name) {
    CommandRunner.run(runcCommand("delete", "-f", name));
  }

  /**
   * Deletes every container of this runtime, trying all even when one fails.
   *
   * @throws RuntimeException the last failure, after all were tried
   */
  public void deleteAll() {
    RuntimeException failure = null;
    for (String name : list()) {
      try {
        delete(name);
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return runc + " --root " + stateDir;
  }

  private List<String> runcCommand(String... args) {
    List<String> command = new ArrayList<>(List.of(runc, "--root", stateDir.toString()));
    command.addAll(List.of(args));
    return command;
  }

  private static long boundingCapabilities() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("CapBnd:")) {
        return Long.parseUnsignedLong(line.substring("CapBnd:".length()).trim(), 16);
      }
    }
    throw new IOException("no CapBnd line in /proc/self/status");
  }

  private static String randomContainerId() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
