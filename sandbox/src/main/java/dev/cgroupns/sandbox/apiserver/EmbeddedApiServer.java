package dev.cgroupns.sandbox.apiserver;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cgroupns.testbed.kube.faults.FaultRules;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;

/**
 * A Kubernetes API endpoint in this process: fabric8's mock server in CRUD mode, bound to 127.0.0.1
 * only, over plain HTTP (kubectl accepts an {@code http://} server in a kubeconfig and then sends
 * no credentials), with {@link SandboxDispatcher} in front for discovery, tables and field
 * selectors.
 */
public final class EmbeddedApiServer implements AutoCloseable {

  private static final List<String> INITIAL_NAMESPACES =
      List.of("default", "kube-system", "kube-public", "cgroup-isolation-system");

  /** Held strongly: java.util.logging forgets levels set on loggers nobody references. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final SandboxDispatcher dispatcher;

  private EmbeddedApiServer(KubernetesMockServer server, SandboxDispatcher dispatcher) {
    this.server = server;
    this.dispatcher = dispatcher;
  }

  /**
   * Starts the endpoint on 127.0.0.1.
   *
   * @param port the port, or 0 for any free port
   */
  public static EmbeddedApiServer start(int port) {
    // The mock server logs every request at INFO; the sandbox prints its own progress instead.
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    SandboxDispatcher dispatcher =
        new SandboxDispatcher(
            new KubernetesCrudDispatcher(), new ObjectMapper(), Clock.systemUTC());
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    EmbeddedApiServer api = new EmbeddedApiServer(server, dispatcher);
    try (KubernetesClient client = api.client()) {
      for (String ns : INITIAL_NAMESPACES) {
        client
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
    }
    return api;
  }

  /** The URL clients use, e.g. http://127.0.0.1:40123. */
  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  public int port() {
    return server.getPort();
  }

  public ApiCatalog catalog() {
    return dispatcher.catalog();
  }

  /**
   * Faults a test can program at runtime (errors, late answers for chosen requests); none unless
   * added.
   */
  public FaultRules faults() {
    return dispatcher.faults();
  }

  /** A client configured for this endpoint only (no kubeconfig, no proxy, no credentials). */
  public Config clientConfig() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withNamespace("default")
        .withTrustCerts(true)
        .withHttp2Disable(true)
        .build();
  }

  /** A new client for this endpoint; the caller closes it. */
  public KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(clientConfig()).build();
  }

  @Override
  public void close() {
    server.destroy();
  }
}
