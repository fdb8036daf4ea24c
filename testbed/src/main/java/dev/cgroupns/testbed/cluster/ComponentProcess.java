package dev.cgroupns.testbed.cluster;

import dev.cgroupns.testbed.runc.ProcessOwner;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One running binary of the local cluster (etcd, kube-apiserver, ...), its output in {@code
 * <name>.log}. Its pid and start time are recorded in the run directory as soon as it starts, so
 * that a later run can stop it if this JVM is killed before it could ({@link RunDirectories}).
 */
public final class ComponentProcess implements AutoCloseable {

  /**
   * Starts a program in a session of its own. A terminal's Ctrl-C goes to its whole foreground
   * process group: without this, etcd and the API server would die with the JVM's SIGINT, before
   * its cleanup could still use them (delete what it made, wait for finalizers). util-linux's
   * setsid execs in place when the caller is not a group leader, as a JVM's child is not, so the
   * recorded pid stays the component's own.
   */
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final String name;
  private final Process process;
  private final Path log;
  private final Path record;

  private ComponentProcess(String name, Process process, Path log, Path record) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.record = record;
  }

  /** Starts {@code binary} with {@code args}, logging to {@code runDir/<name>.log}. */
  public static ComponentProcess start(String name, Path binary, List<String> args, Path runDir) {
    return start(name, binary, args, runDir, java.util.Map.of());
  }

  /** As {@link #start(String, Path, List, Path)}, with {@code env} added to this JVM's. */
  public static ComponentProcess start(
      String name, Path binary, List<String> args, Path runDir, java.util.Map<String, String> env) {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      command.add(SETSID.toString());
    }
    command.add(binary.toString());
    command.addAll(args);
    Path log = runDir.resolve(name + ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(env);
      Process process =
          builder
              .directory(runDir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      Path record = RunDirectories.recordComponent(runDir, name, ProcessOwner.of(process.pid()));
      return new ComponentProcess(name, process, log, record);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + " (" + binary + ")", e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The last lines of its log, for error messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Fails with the log's tail if the process has exited. */
  public void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with " + process.exitValue() + ":\n" + logTail(30));
    }
  }

  /** SIGTERM, then SIGKILL after 10 s; waits until it is gone. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      }
      Files.deleteIfExists(record);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
