package dev.cgroupns.agent.discovery;

/** A container ID from pod status ("containerd://ID"), validated. */
public record ParsedContainerId(ContainerRuntime runtime, String id) {
  public ParsedContainerId {
    ContainerIds.requireContainerId(id);
  }
}
