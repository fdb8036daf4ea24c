package dev.cgroupns.agent.cgroup;

import java.util.ArrayList;
import java.util.List;

/**
 * How the kernel renders a cgroup path for a reader inside a cgroup namespace, and back.
 *
 * <p>The spec is the kernel's kernfs_path_from_node (fs/kernfs/dir.c), used by cgroup_path_ns for
 * /proc/PID/cgroup and by cgroup_show_path for the root field of mountinfo:
 *
 * <ul>
 *   <li>"/" when the cgroup is the namespace root;
 *   <li>otherwise one "/.." for each level from the namespace root up to the deepest common
 *       ancestor, then "/name" for each level down to the cgroup. Below the root that is simply the
 *       path under it ("/sub/dir"); above it only "/.." segments remain ("/../..").
 * </ul>
 */
public final class NamespacePaths {
  private static final String PARENT = "..";

  private NamespacePaths() {}

  /**
   * Renders the absolute (host) cgroup {@code path} as seen by a reader whose cgroup namespace is
   * rooted at the absolute {@code namespaceRoot}. Example: path "/a/b", root "/a/c/d" gives
   * "/../../b".
   */
  public static String relativize(String path, String namespaceRoot) {
    List<String> to = CgroupPathSyntax.segments(path, false);
    List<String> from = CgroupPathSyntax.segments(namespaceRoot, false);
    int common = 0;
    while (common < to.size() && common < from.size() && to.get(common).equals(from.get(common))) {
      common++;
    }
    StringBuilder out = new StringBuilder();
    for (int i = common; i < from.size(); i++) {
      out.append("/..");
    }
    for (int i = common; i < to.size(); i++) {
      out.append('/').append(to.get(i));
    }
    return out.length() == 0 ? "/" : out.toString();
  }

  /**
   * The inverse: turns a path rendered for a reader in a namespace rooted at the absolute {@code
   * namespaceRootOnHost} (possibly with leading "/.." segments) back into the absolute host path.
   * Used when the agent itself runs in a private cgroup namespace.
   *
   * @throws CgroupPathException when the "/.." segments climb above the host root, or ".." appears
   *     after a name (the kernel never renders that)
   */
  public static String toHost(String pathRelativeToNs, String namespaceRootOnHost) {
    List<String> relative = CgroupPathSyntax.segments(pathRelativeToNs, true);
    List<String> host = new ArrayList<>(CgroupPathSyntax.segments(namespaceRootOnHost, false));
    for (String segment : relative) {
      if (segment.equals(PARENT)) {
        if (host.isEmpty()) {
          throw new CgroupPathException(
              "'" + pathRelativeToNs + "' climbs above the root from " + namespaceRootOnHost);
        }
        host.remove(host.size() - 1);
      } else {
        host.add(segment);
      }
    }
    return CgroupPathSyntax.join(host);
  }
}
