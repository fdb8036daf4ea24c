package dev.cgroupns.nri.testing;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.cgroupns.nri.NriServices;
import dev.cgroupns.nri.api.ConfigureRequest;
import dev.cgroupns.nri.api.ConfigureResponse;
import dev.cgroupns.nri.api.CreateContainerRequest;
import dev.cgroupns.nri.api.CreateContainerResponse;
import dev.cgroupns.nri.api.Empty;
import dev.cgroupns.nri.api.RegisterPluginRequest;
import dev.cgroupns.nri.api.SynchronizeRequest;
import dev.cgroupns.nri.api.SynchronizeResponse;
import dev.cgroupns.nri.api.UpdateContainersRequest;
import dev.cgroupns.nri.api.UpdateContainersResponse;
import dev.cgroupns.nri.ttrpc.Trunk;
import dev.cgroupns.nri.ttrpc.TtrpcClient;
import dev.cgroupns.nri.ttrpc.TtrpcServer;
import dev.cgroupns.nri.wire.Mux;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's end of NRI, in Java, on a real Unix socket: it accepts one plugin, serves the
 * Runtime service on connection 2 and calls the Plugin service on connection 1, as containerd does.
 */
public final class FakeRuntime implements AutoCloseable {

  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  private final Path directory;
  private final Path socket;
  private final ServerSocketChannel listener;
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final CompletableFuture<RegisterPluginRequest> registered = new CompletableFuture<>();
  private final List<UpdateContainersRequest> unsolicitedUpdates = new CopyOnWriteArrayList<>();
  private Trunk trunk;
  private TtrpcClient plugin;

  private FakeRuntime(Path directory) throws IOException {
    this.directory = directory;
    this.socket = directory.resolve("nri.sock");
    this.listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(socket));
  }

  /** Listens on a socket in a fresh directory under the temporary directory (paths stay short). */
  public static FakeRuntime listen() throws IOException {
    return new FakeRuntime(Files.createTempDirectory("nri"));
  }

  public Path socket() {
    return socket;
  }

  /** Accepts the plugin's connection and serves it. */
  public void accept() throws IOException {
    SocketChannel channel = listener.accept();
    trunk = new Trunk(channel, "fake-runtime");
    TtrpcServer runtime = new TtrpcServer(workers);
    runtime
        .register(
            NriServices.RUNTIME,
            NriServices.REGISTER_PLUGIN,
            RegisterPluginRequest.parser(),
            (request, timeout) -> {
              registered.complete(request);
              return Empty.getDefaultInstance();
            })
        .register(
            NriServices.RUNTIME,
            NriServices.UPDATE_CONTAINERS,
            UpdateContainersRequest.parser(),
            (request, timeout) -> {
              unsolicitedUpdates.add(request);
              return UpdateContainersResponse.getDefaultInstance();
            });
    runtime.attach(trunk, Mux.RUNTIME_SERVICE_CONNECTION);
    plugin = new TtrpcClient();
    plugin.attach(trunk, Mux.PLUGIN_SERVICE_CONNECTION);
    trunk.start();
  }

  public RegisterPluginRequest awaitRegistration() throws Exception {
    return registered.get(10, TimeUnit.SECONDS);
  }

  public List<UpdateContainersRequest> unsolicitedUpdates() {
    return unsolicitedUpdates;
  }

  public ConfigureResponse configure(ConfigureRequest request) throws Exception {
    return call(NriServices.CONFIGURE, request, ConfigureResponse.parser());
  }

  public SynchronizeResponse synchronize(SynchronizeRequest request) throws Exception {
    return call(NriServices.SYNCHRONIZE, request, SynchronizeResponse.parser());
  }

  public CreateContainerResponse createContainer(CreateContainerRequest request) throws Exception {
    return call(NriServices.CREATE_CONTAINER, request, CreateContainerResponse.parser());
  }

  public <R extends Message> R call(String method, Message request, Parser<R> parser)
      throws Exception {
    return plugin.call(NriServices.PLUGIN, method, request, parser, CALL_TIMEOUT);
  }

  public Trunk trunk() {
    return trunk;
  }

  @Override
  public void close() throws IOException {
    if (trunk != null) {
      trunk.close();
    }
    listener.close();
    workers.shutdownNow();
    Files.deleteIfExists(socket);
    Files.deleteIfExists(directory);
  }
}
