package dev.cgroupns.testbed.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The mount points of this mount namespace (/proc/self/mountinfo), in mount order. */
public final class MountTable {

  private MountTable() {}

  /** The mount points at or below {@code dir}, most recent first (the order to unmount them). */
  public static List<Path> under(Path dir) {
    List<Path> found = new ArrayList<>();
    for (Path mountPoint : mountPoints()) {
      if (mountPoint.startsWith(dir)) {
        found.add(0, mountPoint);
      }
    }
    return found;
  }

  static List<Path> mountPoints() {
    try {
      return parse(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Field 5 of each mountinfo line, with its octal escapes (\040 for a space) decoded. */
  static List<Path> parse(List<String> lines) {
    List<Path> points = new ArrayList<>();
    for (String line : lines) {
      String[] fields = line.split(" ");
      if (fields.length > 4) {
        points.add(Path.of(unescape(fields[4])));
      }
    }
    return points;
  }

  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\'
          && i + 3 < field.length()
          && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
