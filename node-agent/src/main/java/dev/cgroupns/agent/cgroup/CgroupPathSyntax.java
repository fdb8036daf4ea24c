package dev.cgroupns.agent.cgroup;

import java.util.ArrayList;
import java.util.List;

/**
 * The syntax of a cgroup path as the kernel renders it: absolute, '/'-separated, no empty, "." or
 * control-character segments, and ".." only as a run of leading segments (the kernel's way of
 * naming a cgroup above the reader's namespace root).
 *
 * <p>Only printable ASCII is accepted. The agent hands paths to the kernel as Java strings, which
 * the JVM encodes with the locale's charset; a path read as bytes, decoded and encoded again could
 * name another file. Kubernetes, systemd and the runtimes name their cgroups in ASCII, so a path
 * outside it is refused rather than translated.
 */
public final class CgroupPathSyntax {
  /** PATH_MAX: the kernel refuses to render longer cgroup paths. */
  static final int MAX_LENGTH = 4096;

  private CgroupPathSyntax() {}

  /**
   * Splits a path into its segments ("/" has none), checking it on the way.
   *
   * @param allowLeadingParents accept a leading run of ".." segments
   */
  public static List<String> segments(String path, boolean allowLeadingParents) {
    if (path == null || !path.startsWith("/")) {
      throw new CgroupPathException("cgroup path must start with '/': " + quote(path));
    }
    if (path.length() > MAX_LENGTH) {
      throw new CgroupPathException(
          "cgroup path longer than " + MAX_LENGTH + " characters: " + quote(path));
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new CgroupPathException("control character in cgroup path: " + quote(path));
      }
      if (c > 0x7f) {
        throw new CgroupPathException(
            "cgroup path is not plain ASCII (the agent never re-encodes a path): " + quote(path));
      }
    }
    List<String> segments = new ArrayList<>();
    if (path.equals("/")) {
      return segments;
    }
    boolean namesStarted = false;
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".")) {
        throw new CgroupPathException("empty or '.' segment in cgroup path: " + quote(path));
      }
      if (segment.equals("..")) {
        if (!allowLeadingParents || namesStarted) {
          throw new CgroupPathException("'..' in cgroup path: " + quote(path));
        }
      } else {
        namesStarted = true;
      }
      segments.add(segment);
    }
    return segments;
  }

  /** True when every character is printable ASCII: a path the kernel gets byte for byte. */
  public static boolean isPlainAscii(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  static String join(List<String> segments) {
    return segments.isEmpty() ? "/" : "/" + String.join("/", segments);
  }

  /**
   * A path for a message: quoted, cut at 300 characters, anything outside printable ASCII escaped.
   */
  public static String quote(String path) {
    if (path == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("'");
    int limit = Math.min(path.length(), 300);
    for (int i = 0; i < limit; i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else if (c > 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (limit < path.length()) {
      out.append("...");
    }
    return out.append('\'').toString();
  }
}
