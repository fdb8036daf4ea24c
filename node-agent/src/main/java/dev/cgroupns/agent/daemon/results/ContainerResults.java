package dev.cgroupns.agent.daemon.results;

import dev.cgroupns.agent.daemon.targets.ContainerTarget;
import dev.cgroupns.api.v1alpha1.ContainerPhase;
import dev.cgroupns.api.v1alpha1.ContainerResult;
import java.util.ArrayList;

/** Builds and copies ContainerResult objects (plain data classes without copy constructors). */
public final class ContainerResults {
  private ContainerResults() {}

  public static ContainerResult of(
      String pod,
      String podUid,
      String container,
      String statusContainerId,
      ContainerPhase phase,
      String message) {
    ContainerResult result = new ContainerResult();
    result.pod = pod;
    result.podUID = podUid;
    result.container = container;
    result.containerID = statusContainerId;
    result.phase = phase;
    result.message = Messages.bounded(message);
    return result;
  }

  public static ContainerResult of(ContainerTarget target, ContainerPhase phase, String message) {
    return of(
        target.podName(),
        target.podUid(),
        target.container(),
        target.statusContainerId(),
        phase,
        message);
  }

  /** A shallow copy with another phase and message (kernel facts kept). */
  public static ContainerResult withPhase(
      ContainerResult source, ContainerPhase phase, String message) {
    ContainerResult copy = copy(source);
    copy.phase = phase;
    if (phase != ContainerPhase.Isolated) {
      copy.isolatedBy = null; // how it was isolated says nothing once it is not
    }
    copy.message = Messages.bounded(message);
    return copy;
  }

  public static ContainerResult copy(ContainerResult source) {
    ContainerResult copy = new ContainerResult();
    copy.pod = source.pod;
    copy.podUID = source.podUID;
    copy.container = source.container;
    copy.containerID = source.containerID;
    copy.pid = source.pid;
    copy.cgroupVersion = source.cgroupVersion;
    copy.hostCgroupPaths =
        source.hostCgroupPaths == null ? null : new ArrayList<>(source.hostCgroupPaths);
    copy.view = source.view;
    copy.privateNamespace = source.privateNamespace;
    copy.mountState = source.mountState;
    copy.isolatedBy = source.isolatedBy;
    copy.phase = source.phase;
    copy.message = source.message;
    copy.lastTransitionTime = source.lastTransitionTime;
    return copy;
  }
}
