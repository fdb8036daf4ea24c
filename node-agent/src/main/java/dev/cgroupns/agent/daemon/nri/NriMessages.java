package dev.cgroupns.agent.daemon.nri;

import dev.cgroupns.agent.daemon.nri.CreatingContainer.OciMount;
import dev.cgroupns.agent.daemon.nri.CreationDecision.Adjustment;
import dev.cgroupns.api.v1alpha1.ApiGroup;
import dev.cgroupns.nri.Removals;
import dev.cgroupns.nri.api.Container;
import dev.cgroupns.nri.api.ContainerAdjustment;
import dev.cgroupns.nri.api.CreateContainerResponse;
import dev.cgroupns.nri.api.LinuxContainerAdjustment;
import dev.cgroupns.nri.api.LinuxNamespace;
import dev.cgroupns.nri.api.Mount;
import dev.cgroupns.nri.api.PodSandbox;
import java.util.Optional;

/** Between NRI's messages and the decision's terms. */
final class NriMessages {
  static final String CGROUP_NAMESPACE = "cgroup";

  /**
   * Set on every container the plugin adjusts, in its OCI spec (not visible inside the container):
   * the runtime hands it back with each container when the plugin registers, so an agent that
   * restarted still knows which containers it isolated at creation, and with what access.
   */
  static final String MARK = ApiGroup.GROUP + "/isolated-at-creation";

  static final String READ_ONLY = "read-only";
  static final String READ_WRITE = "read-write";

  private NriMessages() {}

  static CreatingContainer creating(PodSandbox pod, Container container) {
    return new CreatingContainer(
        pod.getNamespace(),
        pod.getName(),
        pod.getUid(),
        pod.getLabelsMap(),
        pod.getAnnotationsMap(),
        container.getName(),
        container.getMountsList().stream()
            .map(
                m ->
                    new OciMount(
                        m.getDestination(), m.getType(), m.getSource(), m.getOptionsList()))
            .toList());
  }

  /**
   * What the plugin did to a container at its creation, as its mark says; empty for a container it
   * did not adjust.
   */
  static Optional<Boolean> markedReadOnly(Container container) {
    String mark = container.getAnnotationsMap().get(MARK);
    if (READ_ONLY.equals(mark)) {
      return Optional.of(true);
    }
    return READ_WRITE.equals(mark) ? Optional.of(false) : Optional.empty();
  }

  /**
   * The answer that makes the adjustment: each replaced mount is removed by its destination and
   * added anew (the runtime applies removals before additions), and a cgroup namespace without a
   * path, which the runtime creates for the container.
   */
  static CreateContainerResponse response(Adjustment adjustment) {
    ContainerAdjustment.Builder adjust = ContainerAdjustment.newBuilder();
    adjust.putAnnotations(MARK, adjustment.readOnly() ? READ_ONLY : READ_WRITE);
    adjustment
        .removedMounts()
        .forEach(destination -> adjust.addMounts(Removals.mount(destination)));
    for (OciMount mount : adjustment.addedMounts()) {
      adjust.addMounts(
          Mount.newBuilder()
              .setDestination(mount.destination())
              .setType(mount.type())
              .setSource(mount.source())
              .addAllOptions(mount.options()));
    }
    if (adjustment.cgroupNamespace()) {
      adjust.setLinux(
          LinuxContainerAdjustment.newBuilder()
              .addNamespaces(LinuxNamespace.newBuilder().setType(CGROUP_NAMESPACE)));
    }
    return CreateContainerResponse.newBuilder().setAdjust(adjust).build();
  }
}
