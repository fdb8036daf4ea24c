package dev.cgroupns.testbed.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The line of the hosts file that makes a node's name resolve to loopback, so that the API server,
 * told to reach kubelets by hostname, sends exec and logs to this machine's kubelet and nothing
 * leaves loopback. The file is rewritten in place, never replaced: in a container it is often a
 * bind mount, which a rename would fail on.
 */
public final class HostsLine {

  public static final Path ETC_HOSTS = Path.of("/etc/hosts");
  private static final String MARK = "# cgroupns test node";

  private final Path file;

  public HostsLine(Path file) {
    this.file = file;
  }

  /** The line for {@code nodeName}. */
  static String lineFor(String nodeName) {
    return "127.0.0.1 " + nodeName + " " + MARK;
  }

  /** Adds the line once. */
  public synchronized void add(String nodeName) {
    List<String> lines = read();
    if (!lines.contains(lineFor(nodeName))) {
      lines.add(lineFor(nodeName));
      write(lines);
    }
  }

  /** Removes the line; other lines stay as they are. */
  public synchronized void remove(String nodeName) {
    List<String> lines = read();
    if (lines.removeIf(lineFor(nodeName)::equals)) {
      write(lines);
    }
  }

  /** Whether the line is there. */
  public boolean present(String nodeName) {
    return read().contains(lineFor(nodeName));
  }

  private List<String> read() {
    try {
      return new ArrayList<>(Files.readAllLines(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(List<String> lines) {
    try {
      Files.write(file, lines, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
