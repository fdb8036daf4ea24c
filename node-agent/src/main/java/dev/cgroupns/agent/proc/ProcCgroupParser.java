package dev.cgroupns.agent.proc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses /proc/PID/cgroup. Never throws: malformed lines are skipped and reported.
 *
 * <p>The kernel writes the path unescaped, and a cgroup name may contain ':' or even a newline.
 * Hence the split on the first two colons only. A newline in a name could forge an extra line; the
 * kernel writes each hierarchy once, so every line of a hierarchy ID seen more than once is
 * rejected rather than trusting either copy.
 */
public final class ProcCgroupParser {
  private static final Pattern HIERARCHY_ID = Pattern.compile("\\d{1,9}");
  private static final Pattern CONTROLLER = Pattern.compile("[A-Za-z0-9_]+|name=[^,:/]+");
  private static final String DELETED_SUFFIX = " (deleted)";

  private ProcCgroupParser() {}

  public static ProcCgroup parse(String content) {
    RejectedLines rejected = new RejectedLines();
    List<CgroupLine> parsed = new ArrayList<>();
    List<String> rawOfParsed = new ArrayList<>();
    if (content != null) {
      for (String raw : content.split("\n", -1)) {
        if (raw.isEmpty()) {
          continue;
        }
        try {
          parsed.add(parseLine(raw));
          rawOfParsed.add(raw);
        } catch (IllegalArgumentException e) {
          rejected.add(raw, e.getMessage());
        }
      }
    }
    Map<Integer, Integer> counts = new HashMap<>();
    for (CgroupLine line : parsed) {
      counts.merge(line.hierarchyId(), 1, Integer::sum);
    }
    List<CgroupLine> lines = new ArrayList<>(parsed.size());
    for (int i = 0; i < parsed.size(); i++) {
      CgroupLine line = parsed.get(i);
      if (counts.get(line.hierarchyId()) > 1) {
        rejected.add(rawOfParsed.get(i), "hierarchy " + line.hierarchyId() + " appears twice");
      } else {
        lines.add(line);
      }
    }
    return new ProcCgroup(lines, rejected.toList());
  }

  /** Parses one line; throws IllegalArgumentException with the reason when it is malformed. */
  static CgroupLine parseLine(String raw) {
    int first = raw.indexOf(':');
    int second = first < 0 ? -1 : raw.indexOf(':', first + 1);
    if (second < 0) {
      throw new IllegalArgumentException("expected ID:CONTROLLERS:PATH");
    }
    String id = raw.substring(0, first);
    if (!HIERARCHY_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("hierarchy ID is not a number");
    }
    int hierarchyId = Integer.parseInt(id);
    List<String> controllers = new ArrayList<>();
    String controllerField = raw.substring(first + 1, second);
    if (!controllerField.isEmpty()) {
      for (String controller : controllerField.split(",", -1)) {
        if (!CONTROLLER.matcher(controller).matches()) {
          throw new IllegalArgumentException("bad controller name");
        }
        controllers.add(controller);
      }
    }
    if (hierarchyId == 0 && !controllers.isEmpty()) {
      throw new IllegalArgumentException("hierarchy 0 (v2) has no controller list");
    }
    if (hierarchyId != 0 && controllers.isEmpty()) {
      throw new IllegalArgumentException("v1 hierarchy without controllers or name");
    }
    String path = raw.substring(second + 1);
    boolean deleted = false;
    if (hierarchyId == 0 && path.endsWith(DELETED_SUFFIX)) {
      path = path.substring(0, path.length() - DELETED_SUFFIX.length());
      deleted = true;
    }
    if (!path.startsWith("/") && !(deleted && path.isEmpty())) {
      throw new IllegalArgumentException("path is not absolute");
    }
    if (path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("NUL in path");
    }
    return new CgroupLine(hierarchyId, controllers, path, deleted);
  }
}
