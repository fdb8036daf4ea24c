package dev.cgroupns.testbed.node;

import dev.cgroupns.testbed.runc.ProcessOwner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The processes of one node, found by their command line naming its directory: the kubelet ({@code
 * --root-dir}), containerd ({@code --config}) and every shim ({@code -address} of the node's
 * socket), including those left by a run that was killed before it could stop them.
 */
public final class NodeProcesses {

  /** One process and its command line, its arguments joined by spaces. */
  public record Found(long pid, String commandLine) {
    public boolean isShim() {
      return commandLine.contains("containerd-shim");
    }
  }

  private NodeProcesses() {}

  /** The processes whose command line names a file in {@code dir}, this JVM excepted. */
  public static List<Found> of(Path dir) {
    // Every argument that names the node names a file in its directory; the slash keeps
    // /tmp/cgroupns-node-12 from matching the processes of /tmp/cgroupns-node-123.
    String needle = dir + "/";
    long self = ProcessHandle.current().pid();
    List<Found> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) {
          continue;
        }
        String commandLine = commandLine(entry);
        if (commandLine.contains(needle)) {
          found.add(new Found(Long.parseLong(name), commandLine));
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return found;
  }

  /**
   * SIGKILL, then waits (up to 10 s in all) until each is gone or a zombie. Killed shims are
   * reparented to PID 1, which here is no ordinary init and may reap them late; a zombie holds no
   * cgroup, mount or socket, so the cleanup need not wait for it.
   */
  public static void kill(List<Found> processes) {
    for (Found process : processes) {
      ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (processes.stream().anyMatch(p -> ProcessOwner.isRunning(p.pid()))
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static String commandLine(Path procEntry) {
    try {
      byte[] raw = Files.readAllBytes(procEntry.resolve("cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
    } catch (IOException e) {
      return "";
    }
  }
}
