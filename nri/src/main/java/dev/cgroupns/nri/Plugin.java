package dev.cgroupns.nri;

import dev.cgroupns.nri.api.ConfigureRequest;
import dev.cgroupns.nri.api.Container;
import dev.cgroupns.nri.api.ContainerUpdate;
import dev.cgroupns.nri.api.CreateContainerResponse;
import dev.cgroupns.nri.api.Event;
import dev.cgroupns.nri.api.LinuxResources;
import dev.cgroupns.nri.api.PodSandbox;
import dev.cgroupns.nri.api.StateChangeEvent;
import dev.cgroupns.nri.api.StopContainerResponse;
import dev.cgroupns.nri.api.UpdateContainerResponse;
import dev.cgroupns.nri.api.UpdatePodSandboxRequest;
import dev.cgroupns.nri.api.ValidateContainerAdjustmentRequest;
import dev.cgroupns.nri.api.ValidateContainerAdjustmentResponse;
import java.util.List;

/**
 * An NRI plugin's callbacks. The runtime calls only those the plugin subscribed to in {@link
 * #configure}; each must answer within the runtime's request timeout ({@link
 * PluginConnection#requestTimeout()}, 2 s by default), or the runtime drops the connection and goes
 * on without the plugin.
 *
 * <p>Callbacks may run concurrently, on the connection's worker threads. What a thrown exception
 * does depends on the call: from {@link #createContainer} it makes the runtime fail the container's
 * creation; to leave a container alone, return an empty response instead.
 */
public interface Plugin {

  /** The events to subscribe to. Called once, right after registration. */
  EventMask configure(ConfigureRequest request) throws Exception;

  /**
   * The pods and containers the runtime has, after configuration; the answer may update them. A
   * runtime may split this into several requests; they are collected and delivered here once.
   */
  default List<ContainerUpdate> synchronize(List<PodSandbox> pods, List<Container> containers)
      throws Exception {
    return List.of();
  }

  /** {@link Event#CREATE_CONTAINER}: the adjustment of the container being created, if any. */
  default CreateContainerResponse createContainer(PodSandbox pod, Container container)
      throws Exception {
    return CreateContainerResponse.getDefaultInstance();
  }

  /** {@link Event#UPDATE_CONTAINER}. */
  default UpdateContainerResponse updateContainer(
      PodSandbox pod, Container container, LinuxResources resources) throws Exception {
    return UpdateContainerResponse.getDefaultInstance();
  }

  /** {@link Event#STOP_CONTAINER}: updates to other containers, if any. */
  default StopContainerResponse stopContainer(PodSandbox pod, Container container)
      throws Exception {
    return StopContainerResponse.getDefaultInstance();
  }

  /** {@link Event#REMOVE_CONTAINER}, delivered by the default {@link #stateChange}. */
  default void removeContainer(PodSandbox pod, Container container) throws Exception {}

  /**
   * The pod and container events that carry no answer: {@link Event#RUN_POD_SANDBOX}, {@link
   * Event#START_CONTAINER}, {@link Event#REMOVE_CONTAINER}, the POST_ events and so on.
   */
  default void stateChange(StateChangeEvent event) throws Exception {
    if (event.getEvent() == Event.REMOVE_CONTAINER) {
      removeContainer(event.getPod(), event.getContainer());
    }
  }

  /** {@link Event#UPDATE_POD_SANDBOX}. */
  default void updatePodSandbox(UpdatePodSandboxRequest request) throws Exception {}

  /** {@link Event#VALIDATE_CONTAINER_ADJUSTMENT}: accepts everything unless overridden. */
  default ValidateContainerAdjustmentResponse validateContainerAdjustment(
      ValidateContainerAdjustmentRequest request) throws Exception {
    return ValidateContainerAdjustmentResponse.getDefaultInstance();
  }

  /** The runtime is shutting down; the connection closes after this. */
  default void shutdown() throws Exception {}
}
