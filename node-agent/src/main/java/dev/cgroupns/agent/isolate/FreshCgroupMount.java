package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.cgroup.Hierarchy;
import dev.cgroupns.agent.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A new cgroup v1 mount made with the new mount API (fsopen, fsconfig, fsmount): the {@code mount
 * -t cgroup -o CONTROLLERS} of the design note, without running mount(8).
 *
 * <p>Made by a thread inside a cgroup namespace, the mount is rooted at that namespace's root for
 * the hierarchy. The options name an existing hierarchy exactly (its controllers, or "none" plus
 * its name), so the kernel reuses that hierarchy; it never creates one (it refuses to outside the
 * initial cgroup namespace anyway).
 */
final class FreshCgroupMount {
  private static final Pattern CONTROLLER = Pattern.compile("[a-z][a-z0-9_]{0,31}");
  private static final Pattern NAME = Pattern.compile("name=[A-Za-z0-9_.-]{1,64}");

  private FreshCgroupMount() {}

  /**
   * The fsconfig calls for a hierarchy, worked out before the switching thread starts: pairs of
   * {key, value}, value null for a flag. Controller names come from the kernel and are still
   * checked, because they are passed back to it.
   */
  static List<String[]> options(Hierarchy hierarchy) {
    List<String[]> options = new ArrayList<>();
    options.add(new String[] {"source", "cgroup"});
    boolean anyController = false;
    for (String controller : hierarchy.controllers().stream().sorted().toList()) {
      if (NAME.matcher(controller).matches()) {
        options.add(new String[] {"name", controller.substring("name=".length())});
      } else if (CONTROLLER.matcher(controller).matches()) {
        options.add(new String[] {controller, null});
        anyController = true;
      } else {
        throw new IllegalArgumentException("unexpected controller name: " + controller);
      }
    }
    if (!anyController) {
      options.add(new String[] {"none", null});
    }
    return options;
  }

  /** Creates the detached mount; runs on the namespace thread. */
  static int create(List<String[]> options, int mountAttributes, String what) {
    int fs = Kernel.fsopen("cgroup");
    try {
      for (String[] option : options) {
        if (option[1] == null) {
          Kernel.fsconfigFlag(fs, option[0]);
        } else {
          Kernel.fsconfigString(fs, option[0], option[1]);
        }
      }
      Kernel.fsconfigCreate(fs, what);
      return Kernel.fsmount(fs, mountAttributes, what);
    } finally {
      Kernel.close(fs);
    }
  }
}
