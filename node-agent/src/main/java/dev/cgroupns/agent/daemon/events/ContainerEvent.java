package dev.cgroupns.agent.daemon.events;

import java.util.Objects;

/**
 * One Event about one container of a pod: the pod is the involved object, and the container is
 * named in the field path, as the kubelet does for its own container events.
 *
 * @param namespace the pod's namespace
 * @param pod the pod's name
 * @param podUid the pod's UID (the event is about that pod, not a later one of the same name)
 * @param container the container's name
 * @param containerId the container ID the event is about (a restarted container is a new one)
 * @param type Normal or Warning
 * @param reason a CamelCase word from a closed set
 * @param action what the agent did, for the Event's action field
 * @param message one short sentence
 */
public record ContainerEvent(
    String namespace,
    String pod,
    String podUid,
    String container,
    String containerId,
    Type type,
    String reason,
    String action,
    String message) {

  public ContainerEvent {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reason, "reason");
  }

  /** The Event types Kubernetes knows. */
  public enum Type {
    Normal,
    Warning
  }

  /** What makes two events the same for deduplication: container, container ID and reason. */
  public String dedupeKey() {
    return podUid + "/" + container + "/" + containerId + "/" + reason;
  }
}
