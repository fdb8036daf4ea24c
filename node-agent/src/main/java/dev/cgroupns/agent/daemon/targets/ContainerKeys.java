package dev.cgroupns.agent.daemon.targets;

import dev.cgroupns.api.v1alpha1.ContainerResult;

/** The identity of a container slot across restarts: its pod's UID and its name. */
public final class ContainerKeys {
  private ContainerKeys() {}

  public static String of(String podUid, String container) {
    return podUid + "/" + container;
  }

  public static String of(ContainerResult result) {
    return of(result.podUID, result.container);
  }
}
