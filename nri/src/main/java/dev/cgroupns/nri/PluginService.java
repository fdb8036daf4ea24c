package dev.cgroupns.nri;

import dev.cgroupns.nri.api.ConfigureRequest;
import dev.cgroupns.nri.api.ConfigureResponse;
import dev.cgroupns.nri.api.Container;
import dev.cgroupns.nri.api.CreateContainerRequest;
import dev.cgroupns.nri.api.Empty;
import dev.cgroupns.nri.api.PodSandbox;
import dev.cgroupns.nri.api.StateChangeEvent;
import dev.cgroupns.nri.api.StopContainerRequest;
import dev.cgroupns.nri.api.SynchronizeRequest;
import dev.cgroupns.nri.api.SynchronizeResponse;
import dev.cgroupns.nri.api.UpdateContainerRequest;
import dev.cgroupns.nri.api.UpdatePodSandboxRequest;
import dev.cgroupns.nri.api.UpdatePodSandboxResponse;
import dev.cgroupns.nri.api.ValidateContainerAdjustmentRequest;
import dev.cgroupns.nri.ttrpc.RpcException;
import dev.cgroupns.nri.ttrpc.RpcStatus;
import dev.cgroupns.nri.ttrpc.TtrpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * NRI's Plugin service, as ttrpc methods that call a {@link Plugin}: it checks the event mask,
 * collects a synchronization the runtime split, and records the configured request timeout.
 */
final class PluginService {

  /** The runtime's request timeout when Configure does not carry one. */
  static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);

  private final Plugin plugin;
  private final CompletableFuture<ConfigureRequest> configured = new CompletableFuture<>();
  private final List<PodSandbox> syncPods = new ArrayList<>();
  private final List<Container> syncContainers = new ArrayList<>();

  PluginService(Plugin plugin) {
    this.plugin = plugin;
  }

  /** Completes with the Configure request once the plugin answered it, or with its failure. */
  CompletableFuture<ConfigureRequest> configured() {
    return configured;
  }

  Duration requestTimeout() {
    ConfigureRequest request = configured.getNow(null);
    return request == null || request.getRequestTimeout() <= 0
        ? DEFAULT_REQUEST_TIMEOUT
        : Duration.ofMillis(request.getRequestTimeout());
  }

  void registerOn(TtrpcServer server) {
    String service = NriServices.PLUGIN;
    server
        .register(
            service,
            NriServices.CONFIGURE,
            ConfigureRequest.parser(),
            (request, timeout) -> configure(request))
        .register(
            service,
            NriServices.SYNCHRONIZE,
            SynchronizeRequest.parser(),
            (request, timeout) -> synchronize(request))
        .register(
            service,
            NriServices.CREATE_CONTAINER,
            CreateContainerRequest.parser(),
            (request, timeout) -> plugin.createContainer(request.getPod(), request.getContainer()))
        .register(
            service,
            NriServices.UPDATE_CONTAINER,
            UpdateContainerRequest.parser(),
            (request, timeout) ->
                plugin.updateContainer(
                    request.getPod(), request.getContainer(), request.getLinuxResources()))
        .register(
            service,
            NriServices.STOP_CONTAINER,
            StopContainerRequest.parser(),
            (request, timeout) -> plugin.stopContainer(request.getPod(), request.getContainer()))
        .register(
            service,
            NriServices.UPDATE_POD_SANDBOX,
            UpdatePodSandboxRequest.parser(),
            (request, timeout) -> {
              plugin.updatePodSandbox(request);
              return UpdatePodSandboxResponse.getDefaultInstance();
            })
        .register(
            service,
            NriServices.STATE_CHANGE,
            StateChangeEvent.parser(),
            (request, timeout) -> {
              plugin.stateChange(request);
              return Empty.getDefaultInstance();
            })
        .register(
            service,
            NriServices.VALIDATE_CONTAINER_ADJUSTMENT,
            ValidateContainerAdjustmentRequest.parser(),
            (request, timeout) -> plugin.validateContainerAdjustment(request))
        .register(
            service,
            NriServices.SHUTDOWN,
            Empty.parser(),
            (request, timeout) -> {
              plugin.shutdown();
              return Empty.getDefaultInstance();
            });
  }

  private ConfigureResponse configure(ConfigureRequest request) throws Exception {
    try {
      EventMask events = plugin.configure(request);
      if (events == null) {
        throw new RpcException(RpcStatus.INTERNAL, "the plugin subscribed to no events");
      }
      configured.complete(request);
      return ConfigureResponse.newBuilder().setEvents(events.bits()).build();
    } catch (Exception | Error e) {
      configured.completeExceptionally(e);
      throw e;
    }
  }

  // The runtime sends its state in parts while `more` is set; a plugin that handles that answers
  // each part with the same `more` and no updates, and answers the last one in full.
  private synchronized SynchronizeResponse synchronize(SynchronizeRequest request)
      throws Exception {
    syncPods.addAll(request.getPodsList());
    syncContainers.addAll(request.getContainersList());
    if (request.getMore()) {
      return SynchronizeResponse.newBuilder().setMore(true).build();
    }
    List<PodSandbox> pods = List.copyOf(syncPods);
    List<Container> containers = List.copyOf(syncContainers);
    syncPods.clear();
    syncContainers.clear();
    return SynchronizeResponse.newBuilder()
        .addAllUpdate(plugin.synchronize(pods, containers))
        .build();
  }
}
