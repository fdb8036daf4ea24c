package dev.cgroupns.nri.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Go program in src/test/go/nri-runtime: the runtime's side of NRI from the nri module itself,
 * built with Go (which the build needs anyway) and run on a socket in a fresh directory. Its stdout
 * lines are read as they come.
 */
public final class GoNriRuntime implements AutoCloseable {

  private static final Path SOURCE = Path.of("src/test/go/nri-runtime");
  private static final Path BINARY = Path.of("target/go-nri-runtime/nri-runtime");
  private static final String END = "\0end";

  private final Path directory;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Path log;

  private GoNriRuntime(Path directory, Process process, Path log) {
    this.directory = directory;
    this.process = process;
    this.log = log;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("read error " + e);
              }
              lines.add(END);
            },
            "go-nri-runtime-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Builds the program (once per build directory) and starts it; returns when it listens. */
  public static GoNriRuntime start() throws Exception {
    return start(0);
  }

  /**
   * As {@link #start()}; the runtime also times {@code benchCalls} CreateContainer calls after the
   * first, and prints them on a "round-trip-us" line.
   */
  public static GoNriRuntime start(int benchCalls) throws Exception {
    build();
    Path directory = Files.createTempDirectory("nri");
    Files.createDirectory(directory.resolve("plugins"));
    Path log = directory.resolve("runtime.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                BINARY.toAbsolutePath().toString(),
                directory.resolve("nri.sock").toString(),
                directory.resolve("plugins").toString())
            .redirectError(log.toFile());
    if (benchCalls > 0) {
      builder.environment().put("NRI_BENCH_CALLS", Integer.toString(benchCalls));
    }
    Process process = builder.start();
    GoNriRuntime runtime = new GoNriRuntime(directory, process, log);
    String first = runtime.nextLine();
    if (!first.equals("listening")) {
      throw new IllegalStateException("the Go runtime did not start: " + first + runtime.log());
    }
    return runtime;
  }

  public Path socket() {
    return directory.resolve("nri.sock");
  }

  /** The next stdout line, waiting up to a minute; the end of output is an error. */
  public String nextLine() throws Exception {
    String line = lines.poll(60, TimeUnit.SECONDS);
    if (line == null || line.equals(END)) {
      throw new IllegalStateException(
          "the Go runtime printed nothing more" + (line == null ? " within 60 s" : "") + log());
    }
    return line;
  }

  /** Its exit code, once it has exited (waiting up to a minute). */
  public int exitCode() throws Exception {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the Go runtime did not exit" + log());
    }
    return process.exitValue();
  }

  /** Its log (stderr), for failure messages. */
  public String log() {
    try {
      return "\n--- Go runtime log ---\n" + Files.readString(log);
    } catch (IOException e) {
      return "\n(no Go runtime log: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    try (var files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static synchronized void build() throws Exception {
    if (Files.isExecutable(BINARY)) {
      return;
    }
    Files.createDirectories(BINARY.getParent());
    Path buildLog = BINARY.resolveSibling("build.log");
    ProcessBuilder go =
        new ProcessBuilder("go", "build", "-o", BINARY.toAbsolutePath().toString(), ".")
            .directory(SOURCE.toFile())
            .redirectErrorStream(true)
            .redirectOutput(buildLog.toFile());
    go.environment().put("GOWORK", "off");
    go.environment().put("GOFLAGS", "-mod=readonly");
    Process build = go.start();
    // A generous bound: the first build compiles the module's dependencies.
    if (!build.waitFor(15, TimeUnit.MINUTES)) {
      build.destroyForcibly();
      throw new IllegalStateException("go build of " + SOURCE + " did not finish in 15 minutes");
    }
    if (build.exitValue() != 0) {
      throw new IllegalStateException(
          "go build of " + SOURCE + " failed:\n" + Files.readString(buildLog));
    }
  }
}
