package dev.cgroupns.agent.isolate;

import dev.cgroupns.agent.discovery.ContainerIds;
import java.util.Optional;

/**
 * Who a revert record was written for, when the daemon wrote it: the CgroupIsolationNode object
 * whose instructions isolated the container, and the pod container it was isolated as. Lets a
 * restarted agent revert containers whose object was deleted while it was down. Records written by
 * the CLI have no owner, and the daemon never touches them on its own.
 *
 * <p>These strings came from the API server: they are only compared with and logged, never used to
 * build a path or to find a process (the record's pid and start time do that).
 *
 * @param objectUid the node object's UID (what decides whether the owner still exists)
 * @param namespace the node object's namespace, which is also its pods'
 * @param objectName the node object's name
 * @param isolation the CgroupIsolation the object came from, for Events
 * @param pod the pod's name
 * @param podUid the pod's UID
 * @param container the container's name in the pod
 * @param statusContainerId the container ID as the pod status gave it ("containerd://...")
 */
public record RecordOwner(
    String objectUid,
    String namespace,
    String objectName,
    String isolation,
    String pod,
    String podUid,
    String container,
    String statusContainerId) {

  /**
   * This owner when every field is usable, else empty: a record edited by hand or by an older
   * writer must not make the agent revert a container on a guess.
   */
  public Optional<RecordOwner> validated() {
    if (blank(objectUid)
        || blank(namespace)
        || blank(objectName)
        || blank(pod)
        || blank(container)
        || !ContainerIds.isPodUid(podUid)) {
      return Optional.empty();
    }
    try {
      ContainerIds.parseStatusContainerId(statusContainerId);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.of(this);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
