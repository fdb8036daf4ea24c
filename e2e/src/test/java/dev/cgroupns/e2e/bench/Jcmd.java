package dev.cgroupns.e2e.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks a running JVM about itself with the JDK's {@code jcmd} (attach by PID, which works with
 * {@code -XX:-UsePerfData}). An empty answer when the JDK has no jcmd: the figures it would add are
 * extras, the resident memory comes from the kernel.
 */
public final class Jcmd {
  private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
  private final long pid;

  public Jcmd(long pid) {
    this.pid = pid;
  }

  public boolean available() {
    return Files.isExecutable(jcmd);
  }

  /** The command's output, or a line saying why there is none. */
  public String run(String... command) throws IOException, InterruptedException {
    if (!available()) {
      return "(no " + jcmd + ")\n";
    }
    List<String> argv = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
    argv.addAll(List.of(command));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "(jcmd " + String.join(" ", command) + " did not answer within 60 s)\n";
    }
    return out;
  }

  /**
   * The first {@code lines} lines of an output and its last line (a class histogram runs to
   * thousands of lines and ends with the total).
   */
  public static String headAndLast(String output, int lines) {
    List<String> all = output.lines().toList();
    if (all.size() <= lines + 1) {
      return output;
    }
    return String.join("\n", all.subList(0, lines)) + "\n   ...\n" + all.get(all.size() - 1) + "\n";
  }
}
