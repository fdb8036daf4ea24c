package dev.cgroupns.testbed.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode, with the project's CRDs installed: the CRUD dispatcher
 * learns from them which kinds are namespaced and which have a status subresource, so custom
 * resources behave there as on a real API server (within the mock's limits: no server-side apply,
 * no garbage collection, no admission).
 */
public final class MockApiServer implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private MockApiServer(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  /** Starts a server with fabric8's CRUD dispatcher. */
  public static MockApiServer start() {
    return start(new KubernetesCrudDispatcher());
  }

  /**
   * Starts a server with the given CRUD dispatcher, e.g. a subclass that answers some requests
   * differently.
   */
  public static MockApiServer start(KubernetesCrudDispatcher dispatcher) {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    KubernetesClient client = server.createClient();
    try {
      new CrdInstaller(client).install(ProjectCrds.directory());
    } catch (RuntimeException e) {
      client.close();
      server.destroy();
      throw e;
    }
    return new MockApiServer(server, client);
  }

  /**
   * A client of this server, closed with it. Its configuration ({@code getConfiguration()}) is the
   * base for further clients, e.g. with other timeouts.
   */
  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
