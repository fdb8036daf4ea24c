package dev.cgroupns.testbed.runc;

import java.util.regex.Pattern;

/**
 * The cgroup path kubelet and containerd give a BestEffort pod's container, below a root of the
 * caller's (so the containers live under the cgroup of the process that starts them).
 */
public final class KubeletCgroupPath {

  private static final Pattern POD_UID =
      Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
  private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{64}");

  private KubeletCgroupPath() {}

  /**
   * @param root an absolute cgroup path, or "" for the hierarchy's root
   * @throws IllegalArgumentException when the pod UID or container ID has another form: both end up
   *     in file system paths
   */
  public static String forContainer(
      String root, ContainerSpec.Driver driver, String podUid, String containerId) {
    if (!POD_UID.matcher(podUid).matches()) {
      throw new IllegalArgumentException("not a pod UID: " + podUid);
    }
    if (!CONTAINER_ID.matcher(containerId).matches()) {
      throw new IllegalArgumentException("not a container ID: " + containerId);
    }
    return root
        + switch (driver) {
          case CGROUPFS -> "/kubepods/besteffort/pod" + podUid + "/" + containerId;
          case SYSTEMD_NAMES ->
              "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                  + podUid.replace('-', '_')
                  + ".slice/cri-containerd-"
                  + containerId
                  + ".scope";
        };
  }
}
