package dev.cgroupns.nri;

import dev.cgroupns.nri.api.ContainerEviction;
import dev.cgroupns.nri.api.ContainerUpdate;
import dev.cgroupns.nri.api.Empty;
import dev.cgroupns.nri.api.RegisterPluginRequest;
import dev.cgroupns.nri.api.UpdateContainersRequest;
import dev.cgroupns.nri.api.UpdateContainersResponse;
import dev.cgroupns.nri.ttrpc.RpcException;
import dev.cgroupns.nri.ttrpc.Trunk;
import dev.cgroupns.nri.ttrpc.TtrpcClient;
import dev.cgroupns.nri.ttrpc.TtrpcServer;
import dev.cgroupns.nri.wire.Mux;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A plugin's connection to the runtime's NRI socket. {@link #connect} registers the plugin and
 * returns once the runtime has configured it; from then on the runtime calls the {@link Plugin}
 * until the connection closes. A connection is never reopened: after {@link #closed()} completes
 * (the runtime restarted, say), connect again.
 */
public final class PluginConnection implements Closeable {

  /** Where containerd and CRI-O put the NRI socket by default. */
  public static final Path DEFAULT_SOCKET = Path.of("/var/run/nri/nri.sock");

  /** The runtime's own default for how long it waits for a plugin to register. */
  public static final Duration DEFAULT_REGISTRATION_TIMEOUT = Duration.ofSeconds(5);

  // Plugins are ordered by a two-digit index, as in "10-myplugin".
  private static final Pattern INDEX = Pattern.compile("[0-9]{2}");

  // The runtime calls a plugin for one container at a time in most cases; a few workers cover the
  // rest, and the queue bounds what a flood of calls can hold.
  private static final int WORKERS = 4;
  private static final int QUEUED_CALLS = 256;

  private final Trunk trunk;
  private final TtrpcClient runtime;
  private final PluginService service;

  private PluginConnection(Trunk trunk, TtrpcClient runtime, PluginService service) {
    this.trunk = trunk;
    this.runtime = runtime;
    this.service = service;
  }

  /** {@link #connect(Path, String, String, Plugin, Duration)} with the default timeout. */
  public static PluginConnection connect(Path socket, String name, String index, Plugin plugin)
      throws IOException {
    return connect(socket, name, index, plugin, DEFAULT_REGISTRATION_TIMEOUT);
  }

  /**
   * Connects to the NRI socket, registers as {@code index-name} and waits until the runtime has
   * configured the plugin, all within {@code timeout}.
   *
   * @param index two digits; the runtime calls plugins in ascending index order
   */
  public static PluginConnection connect(
      Path socket, String name, String index, Plugin plugin, Duration timeout) throws IOException {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("the runtime refuses an empty plugin name");
    }
    if (!INDEX.matcher(index).matches()) {
      throw new IllegalArgumentException("plugin index must be two digits, not '" + index + "'");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      channel.close();
      throw new IOException("cannot connect to the NRI socket " + socket + ": " + e, e);
    }
    Trunk trunk = new Trunk(channel, "nri-plugin-" + index + "-" + name);
    ThreadPoolExecutor workers = workers(index + "-" + name);
    trunk.closed().whenComplete((cause, failure) -> workers.shutdown());
    PluginService service = new PluginService(plugin);
    TtrpcServer server = new TtrpcServer(workers);
    service.registerOn(server);
    server.attach(trunk, Mux.PLUGIN_SERVICE_CONNECTION);
    TtrpcClient runtime = new TtrpcClient();
    runtime.attach(trunk, Mux.RUNTIME_SERVICE_CONNECTION);
    trunk.start();
    try {
      runtime.call(
          NriServices.RUNTIME,
          NriServices.REGISTER_PLUGIN,
          RegisterPluginRequest.newBuilder().setPluginName(name).setPluginIdx(index).build(),
          Empty.parser(),
          remaining(deadline));
      service.configured().get(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS);
    } catch (RpcException e) {
      trunk.close(e);
      throw new IOException("the runtime refused plugin " + index + "-" + name + ": " + e, e);
    } catch (TimeoutException e) {
      trunk.close(e);
      throw new IOException(
          "plugin " + index + "-" + name + " not registered and configured within " + timeout, e);
    } catch (ExecutionException e) {
      trunk.close(e.getCause());
      throw new IOException("configuring plugin " + index + "-" + name + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      trunk.close(e);
      throw new IOException("interrupted while registering", e);
    } catch (IOException e) {
      trunk.close(e);
      throw e;
    }
    return new PluginConnection(trunk, runtime, service);
  }

  /** How long the runtime waits for each answer, as it said in Configure (2 s by default). */
  public Duration requestTimeout() {
    return service.requestTimeout();
  }

  /**
   * Asks the runtime to update or evict containers outside of any request.
   *
   * @return the updates the runtime failed to apply
   */
  public List<ContainerUpdate> updateContainers(
      List<ContainerUpdate> updates, List<ContainerEviction> evictions)
      throws IOException, RpcException, TimeoutException {
    UpdateContainersResponse response =
        runtime.call(
            NriServices.RUNTIME,
            NriServices.UPDATE_CONTAINERS,
            UpdateContainersRequest.newBuilder()
                .addAllUpdate(updates)
                .addAllEvict(evictions)
                .build(),
            UpdateContainersResponse.parser(),
            requestTimeout());
    return response.getFailedList();
  }

  /**
   * Completes once, when the connection closes: empty for a clean close (ours, or the runtime's),
   * otherwise with the fault, such as a {@link dev.cgroupns.nri.wire.WireException}.
   */
  public CompletableFuture<Optional<Throwable>> closed() {
    return trunk.closed();
  }

  @Override
  public void close() {
    trunk.close();
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private static ThreadPoolExecutor workers(String name) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(
            WORKERS,
            WORKERS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED_CALLS),
            task -> {
              Thread thread = new Thread(task, "nri-" + name + "-call-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    workers.allowCoreThreadTimeOut(true);
    return workers;
  }
}
