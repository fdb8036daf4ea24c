package dev.cgroupns.agent.inspect;

import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.api.v1alpha1.CgroupPaths;
import dev.cgroupns.api.v1alpha1.ContainerView;
import dev.cgroupns.api.v1alpha1.MountView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an inspection into the API's compact status shapes: cgroup lines grouped by path, mounts
 * grouped by (root, read-only, exposure), mount points sharing a parent written as parent/{a,b}.
 */
public final class ApiViewMapper {
  static final int MAX_PATH_GROUPS = 16;
  static final int MAX_MOUNT_GROUPS = 32;
  static final int MAX_MOUNT_POINTS_CHARS = 2048;

  private ApiViewMapper() {}

  public static ContainerView toView(ContainerInspection inspection) {
    ContainerView view = new ContainerView();
    view.procSelfCgroup = groupByPath(inspection.seenCgroups());
    view.mounts = groupMounts(inspection.mounts());
    return view;
  }

  /**
   * Lines grouped by path. When every hierarchy has the same path, one entry without hierarchies.
   */
  public static List<CgroupPaths> groupByPath(List<CgroupLine> lines) {
    Map<String, List<String>> byPath = new LinkedHashMap<>();
    for (CgroupLine line : lines) {
      byPath.computeIfAbsent(line.path(), p -> new ArrayList<>()).add(line.controllersKey());
    }
    List<CgroupPaths> result = new ArrayList<>();
    for (Map.Entry<String, List<String>> entry : byPath.entrySet()) {
      if (result.size() == MAX_PATH_GROUPS) {
        break;
      }
      CgroupPaths paths = new CgroupPaths();
      paths.path = entry.getKey();
      if (byPath.size() > 1) {
        paths.hierarchies = String.join(";", entry.getValue());
      }
      result.add(paths);
    }
    return result;
  }

  public static List<MountView> groupMounts(List<CgroupMountView> mounts) {
    Map<List<Object>, List<String>> groups = new LinkedHashMap<>();
    for (CgroupMountView mount : mounts) {
      List<Object> key = List.of(mount.root(), mount.readOnly(), mount.exposesMore());
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(mount.mountPoint());
    }
    List<MountView> result = new ArrayList<>();
    for (Map.Entry<List<Object>, List<String>> entry : groups.entrySet()) {
      if (result.size() == MAX_MOUNT_GROUPS) {
        break;
      }
      List<Object> key = entry.getKey();
      result.add(
          new MountView(
              MountPointList.compact(entry.getValue(), MAX_MOUNT_POINTS_CHARS),
              (String) key.get(0),
              (Boolean) key.get(1),
              (Boolean) key.get(2)));
    }
    return result;
  }
}
