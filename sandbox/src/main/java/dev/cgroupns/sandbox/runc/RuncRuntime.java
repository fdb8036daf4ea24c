package dev.cgroupns.sandbox.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Starts demo containers with runc, named the way kubelet names cgroups (cgroupfs driver,
 * BestEffort QoS: {@code <root>/kubepods/besteffort/pod<uid>/<container-id>}).
 *
 * <p>runc keeps its state under a private {@code --root} in the sandbox's work directory, so the
 * sandbox sees and deletes only its own containers.
 */
public final class RuncRuntime {

  private static final Pattern POD_UID =
      Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String runc;
  private final Path workDir;
  private final Path stateDir;
  private final BusyboxRootfs rootfs;
  private final SandboxCgroupRoot cgroups;

  public RuncRuntime(String runc, Path workDir, BusyboxRootfs rootfs, SandboxCgroupRoot cgroups) {
    this.runc = runc;
    this.workDir = workDir;
    this.stateDir = workDir.resolve("runc-state");
    this.rootfs = rootfs;
    this.cgroups = cgroups;
  }

  /** The kubelet cgroupfs-driver path of a BestEffort pod's container, below {@code root}. */
  public static String kubeletCgroupPath(String root, String podUid, String containerId) {
    if (!POD_UID.matcher(podUid).matches()) {
      throw new IllegalArgumentException("not a pod UID: " + podUid);
    }
    if (!containerId.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a container ID: " + containerId);
    }
    return root + "/kubepods/besteffort/pod" + podUid + "/" + containerId;
  }

  /** Builds a bundle and runs the container detached; returns once runc reports its PID. */
  public DemoContainer start(String name, String podUid) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad container name: " + name);
    }
    String containerId = randomContainerId();
    String cgroupsPath = kubeletCgroupPath(cgroups.path(), podUid, containerId);
    Path bundle = workDir.resolve("bundles").resolve(name);
    try {
      Files.createDirectories(stateDir);
      rootfs.build(bundle.resolve("rootfs"));
      CommandRunner.run(List.of(runc, "spec", "--bundle", bundle.toString()));
      Path configFile = bundle.resolve("config.json");
      JsonNode defaults = JSON.readTree(configFile.toFile());
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(configFile.toFile(), OciConfig.demoContainer(defaults, cgroupsPath, name));
      CommandRunner.run(runcCommand("run", "-d", "--bundle", bundle.toString(), name));
      int pid = JSON.readTree(CommandRunner.run(runcCommand("state", name))).path("pid").asInt();
      return new DemoContainer(name, containerId, podUid, cgroupsPath, pid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a program inside the container (no shell) and returns its stdout. */
  public String exec(DemoContainer container, String... args) {
    List<String> command = runcCommand("exec", container.name());
    command.addAll(List.of(args));
    return CommandRunner.run(command);
  }

  /** Names of the containers in the sandbox's runc root. */
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

  private List<String> runcCommand(String... args) {
    List<String> command = new ArrayList<>(List.of(runc, "--root", stateDir.toString()));
    command.addAll(List.of(args));
    return command;
  }

  private static String randomContainerId() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
