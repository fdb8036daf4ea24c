package dev.cgroupns.sandbox.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a sandbox run may change on this machine and must restore: this process's mounts, runc's
 * default container list, cgroups and live processes named after the run, and the processes of its
 * control plane.
 */
public final class MachineState {

  private final String mountinfo;
  private final String runcContainers;

  private MachineState(String mountinfo, String runcContainers) {
    this.mountinfo = mountinfo;
    this.runcContainers = runcContainers;
  }

  public static MachineState capture() throws IOException, InterruptedException {
    return new MachineState(Files.readString(Path.of("/proc/self/mountinfo")), runcList());
  }

  public String mountinfo() {
    return mountinfo;
  }

  public String runcContainers() {
    return runcContainers;
  }

  /** Cgroup directories with exactly this name, in every hierarchy (searched 6 levels deep). */
  public static List<Path> cgroupDirectoriesNamed(String name) throws IOException {
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

  /** Live (not zombie) processes in a cgroup with this name in any hierarchy. */
  public static List<String> processesInCgroupsNamed(String name) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String stat = Files.readString(proc.resolve("stat"));
          char state = stat.charAt(stat.lastIndexOf(')') + 2);
          // A zombie holds no resources; it waits for a reaper no test controls.
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

  /** Live processes whose command line mentions {@code text}, e.g. a run directory. */
  public static List<String> processesMentioning(String text) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
          if (cmdline.contains(text)) {
            found.add(proc.getFileName() + ": " + cmdline);
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
}
