package dev.cgroupns.testbed.vm;

import dev.cgroupns.testbed.runc.ProcessOwner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * No qemu outlives the run that started it. While this JVM lives, a shutdown hook kills the qemu
 * processes it started (a JVM stopped by SIGTERM or Ctrl-C, a timeout that threw before its
 * cleanup). A JVM killed with SIGKILL runs no hook: each qemu carries its owner's pid and start
 * time in its {@code -name}, and {@link #sweep} kills those whose owner is gone, and removes the
 * initramfs files such a run left in java.io.tmpdir (named after the same marker).
 */
public final class QemuProcesses {

  private static final Pattern MARKER = Pattern.compile("cgroupns-vm-([0-9]+)-([0-9]+)");
  private static final Pattern INITRD = Pattern.compile(MARKER.pattern() + "-[0-9]+\\.initrd");
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "qemu-killer"));
  }

  private QemuProcesses() {}

  /** This JVM's marker, for qemu's {@code -name}. */
  public static String ownerMarker() {
    ProcessOwner self = ProcessOwner.self();
    return "cgroupns-vm-" + self.pid() + "-" + self.startTime();
  }

  /** Kills {@code qemu} when this JVM exits, unless {@link #forget forgotten} first. */
  static void track(Process qemu) {
    LIVE.add(qemu);
  }

  static void forget(Process qemu) {
    LIVE.remove(qemu);
  }

  /** The owner a qemu's argument vector names, if it is one of ours. */
  static Optional<ProcessOwner> owner(List<String> arguments) {
    int name = arguments.indexOf("-name");
    if (name < 0 || name + 1 >= arguments.size()) {
      return Optional.empty();
    }
    return owner(MARKER.matcher(arguments.get(name + 1)));
  }

  /** The owner an initramfs file's name names, if it is one of ours. */
  static Optional<ProcessOwner> initrdOwner(String fileName) {
    return owner(INITRD.matcher(fileName));
  }

  private static Optional<ProcessOwner> owner(Matcher m) {
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new ProcessOwner(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
  }

  /** Kills every qemu of a run whose JVM is gone; {@code report} is told of each. */
  public static void sweep(Consumer<String> report) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().matches("[0-9]+"))
          .forEach(p -> sweepOne(p, report));
    } catch (IOException e) {
      report.accept("could not list /proc to sweep qemu processes: " + e.getMessage());
    }
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (Stream<Path> files = Files.list(tmp)) {
      for (Path file : files.toList()) {
        if (initrdOwner(file.getFileName().toString()).filter(o -> !o.isAlive()).isPresent()) {
          Files.deleteIfExists(file);
          report.accept("removed " + file + " left by a run that is gone");
        }
      }
    } catch (IOException e) {
      report.accept("could not sweep initramfs files in " + tmp + ": " + e.getMessage());
    }
  }

  private static void sweepOne(Path proc, Consumer<String> report) {
    List<String> args;
    try {
      byte[] cmdline = Files.readAllBytes(proc.resolve("cmdline"));
      args = Arrays.asList(new String(cmdline, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      return; // gone meanwhile, or not ours to read
    }
    if (args.isEmpty() || !args.get(0).endsWith("qemu-system-x86_64")) {
      return;
    }
    owner(args)
        .filter(o -> !o.isAlive())
        .ifPresent(
            o -> {
              long pid = Long.parseLong(proc.getFileName().toString());
              ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
              report.accept(
                  "killed qemu " + pid + " left by a run that is gone (pid " + o.pid() + ")");
            });
  }
}
