package dev.cgroupns.agent.inspect;

import java.util.ArrayList;
import java.util.List;

/**
 * How a cgroupfs mount's root relates to the container's own cgroup, when both are rendered for the
 * same reader (same cgroup namespace), possibly with leading "/.." segments.
 *
 * <p>The kernel renders minimal paths: "/.." once per level up to the deepest common ancestor of
 * the path and the reader's namespace root, then names down. So after k ".." segments the first
 * name is never on the way back to the namespace root, which is what {@link #isAncestorOrSelf}
 * relies on.
 */
public enum CgroupRelation {
  /** The mount shows exactly the container's own subtree. */
  OWN_SUBTREE,
  /** The mount's root is above the container's cgroup: it shows more than its own subtree. */
  WIDER,
  /** The mount's root is below the container's cgroup: it shows part of its own subtree. */
  NARROWER,
  /** The mount's root is elsewhere in the tree: it shows other cgroups, not its own. */
  ELSEWHERE;

  /** True for mounts that show cgroups which are not the container's. */
  public boolean exposesMore() {
    return this == WIDER || this == ELSEWHERE;
  }

  /** The relation of {@code mountRoot} to {@code ownCgroup}, both as one reader sees them. */
  public static CgroupRelation of(String mountRoot, String ownCgroup) {
    Rendered root = Rendered.parse(mountRoot);
    Rendered own = Rendered.parse(ownCgroup);
    if (root.equals(own)) {
      return OWN_SUBTREE;
    }
    if (isAncestorOrSelf(root, own)) {
      return WIDER;
    }
    if (isAncestorOrSelf(own, root)) {
      return NARROWER;
    }
    return ELSEWHERE;
  }

  private static boolean isAncestorOrSelf(Rendered a, Rendered b) {
    if (a.ups == b.ups) {
      return b.names.size() >= a.names.size() && b.names.subList(0, a.names.size()).equals(a.names);
    }
    // a climbs higher than b: it is an ancestor only as a bare ancestor of the namespace root,
    // because its first name below the common ancestor is off the way to the root (see above).
    return a.ups > b.ups && a.names.isEmpty();
  }

  private record Rendered(int ups, List<String> names) {
    static Rendered parse(String path) {
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException("not a cgroup path: " + path);
      }
      int ups = 0;
      List<String> names = new ArrayList<>();
      for (String segment : path.split("/")) {
        if (segment.isEmpty()) {
          continue;
        }
        if (segment.equals("..") && names.isEmpty()) {
          ups++;
        } else {
          names.add(segment);
        }
      }
      return new Rendered(ups, List.copyOf(names));
    }
  }
}
