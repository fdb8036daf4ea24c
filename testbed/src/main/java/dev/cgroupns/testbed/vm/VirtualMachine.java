package dev.cgroupns.testbed.vm;

import dev.cgroupns.testbed.precondition.Precondition;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Boots a pure cgroup v2 VM (Debian's kernel with {@code cgroup_no_v1=all}) on the host's own files
 * and runs one {@link VmJob} in it. The initramfs is built for the run in a temporary file, deleted
 * afterwards; qemu's console goes to {@value #CONSOLE} in the results directory.
 */
public final class VirtualMachine {

  public static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
  public static final Path BUSYBOX = Path.of("/bin/busybox");

  /** The serial console's output, in the results directory. */
  public static final String CONSOLE = "console.log";

  private final KernelCache kernels;
  private final int memoryMegabytes;
  private final int cpus;

  public VirtualMachine(KernelCache kernels, int memoryMegabytes, int cpus) {
    this.kernels = kernels;
    this.memoryMegabytes = memoryMegabytes;
    this.cpus = cpus;
  }

  /** 2 GiB and 2 CPUs, the kernel from the default cache. */
  public static VirtualMachine standard() {
    return new VirtualMachine(new KernelCache(KernelCache.defaultRoot()), 2048, 2);
  }

  /**
   * What a run gave back.
   *
   * @param jobExitStatus absent when the job never wrote one (it did not run, or was cut off)
   * @param elapsed from qemu's start to its exit (or to the kill)
   */
  public record Result(
      boolean timedOut,
      int qemuExitCode,
      Optional<Integer> jobExitStatus,
      Duration elapsed,
      Path resultsDir) {

    public Path console() {
      return resultsDir.resolve(CONSOLE);
    }

    public Path jobOutput() {
      return resultsDir.resolve(VmJob.OUTPUT);
    }

    /** The last lines of the console, for failure messages. */
    public String consoleTail(int lines) {
      return tail(console(), lines);
    }

    public String jobOutputTail(int lines) {
      return tail(jobOutput(), lines);
    }
  }

  /**
   * Skips (outside CI) or fails (in CI) unless qemu and a static busybox are installed, and a
   * kernel is cached or apt can download one.
   */
  public void requireAvailable() {
    Precondition.require(
        Files.isExecutable(QEMU),
        "needs " + QEMU + " (package qemu-system-x86; bin/setup installs it)");
    Precondition.require(
        Files.isExecutable(BUSYBOX), "needs a static busybox at " + BUSYBOX + " (busybox-static)");
  }

  /** The results, the working directory and every class path entry: what the guest must see. */
  private static List<String> pathsTheJobReads(Path results) {
    List<String> paths = new java.util.ArrayList<>();
    paths.add(results.toString());
    paths.add(Path.of("").toAbsolutePath().toString());
    for (String entry :
        System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
      if (!entry.isEmpty()) {
        paths.add(Path.of(entry).toAbsolutePath().normalize().toString());
      }
    }
    return paths;
  }

  /**
   * Runs {@code job} in a fresh VM; {@code resultsDir} is emptied first and shared writable, at the
   * same path inside. Returns when the VM has powered off, or after killing it at {@code timeout}.
   */
  public Result run(VmJob job, Path resultsDir, Duration timeout) {
    requireAvailable();
    QemuProcesses.sweep(System.err::println);
    KernelCache.Kernel kernel;
    try {
      kernel = kernels.kernel();
    } catch (RuntimeException e) {
      throw Precondition.unmet("no kernel for the VM could be had: " + e.getMessage());
    }
    Path results = resultsDir.toAbsolutePath().normalize();
    Path initrd = null;
    try {
      if (Files.exists(results)) {
        KernelCache.deleteTree(results);
      }
      Files.createDirectories(results);
      Path script = results.resolve(VmJob.SCRIPT);
      Files.writeString(script, job.render(results));
      // Named after this JVM, so that the sweep of a later run can tell whether it is abandoned.
      initrd = Files.createTempFile(QemuProcesses.ownerMarker() + "-", ".initrd");
      Initramfs.write(
          initrd,
          BUSYBOX,
          kernel,
          new InitScript(
              KernelCache.MODULES,
              results.toString(),
              script.toString(),
              InitScript.hiddenBy(pathsTheJobReads(results))));
      QemuCommand command =
          new QemuCommand(
              QEMU,
              kernel.vmlinuz(),
              initrd,
              results,
              memoryMegabytes,
              cpus,
              QemuProcesses.ownerMarker());
      return boot(command, results, timeout);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (initrd != null) {
        try {
          Files.deleteIfExists(initrd);
        } catch (IOException ignored) {
          // a file in /tmp; nothing else depends on it
        }
      }
    }
  }

  private static Result boot(QemuCommand command, Path results, Duration timeout)
      throws IOException {
    long start = System.nanoTime();
    Process qemu =
        new ProcessBuilder(command.arguments())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(results.resolve(CONSOLE).toFile())
            .start();
    QemuProcesses.track(qemu);
    boolean timedOut = false;
    try {
      if (!qemu.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        timedOut = true;
        qemu.destroyForcibly();
        qemu.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      qemu.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the VM ran", e);
    } finally {
      if (!qemu.isAlive()) {
        QemuProcesses.forget(qemu);
      }
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    return new Result(
        timedOut,
        qemu.isAlive() ? -1 : qemu.exitValue(),
        exitStatus(results.resolve(VmJob.EXIT_STATUS)),
        elapsed,
        results);
  }

  private static Optional<Integer> exitStatus(Path file) {
    try {
      return Optional.of(Integer.parseInt(Files.readString(file).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(none: " + e.getMessage() + ")";
    }
  }
}
