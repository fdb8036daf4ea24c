package dev.cgroupns.agent.daemon;

import com.sun.net.httpserver.HttpServer;
import dev.cgroupns.agent.daemon.api.LeanSerialization;
import dev.cgroupns.testbed.kube.MockApiServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The testbed's {@link MockApiServer} (CRUD mode, the project's CRDs), and clients for the test and
 * the agent. The agent's client counts its status patches and Event writes and can be made to fail
 * them: the CRUD server cannot be told to fail, so an interceptor sends those requests to a tiny
 * server that answers with the chosen error instead.
 *
 * <p>The CRUD server also knows no field selector but metadata.name and metadata.namespace: it
 * answers {@code spec.nodeName=...} with nothing. The interceptor records the agent's pod field
 * selectors, and the server drops them, so the agent sees every pod, as it would if the API
 * server's filter failed; the agent filters by node itself as well.
 */
final class MockApi implements AutoCloseable {
  /** The agent client's timeout for ordinary requests (not watches). */
  static final Duration REQUEST_TIMEOUT = Duration.ofMillis(1500);

  private final MockApiServer server;
  private final KubernetesClient client;
  private final KubernetesClient agentClient;
  private final HttpServer errors;
  private final Deque<Integer> failures = new ArrayDeque<>();
  private final AtomicInteger statusPatches = new AtomicInteger();
  private final AtomicInteger failedStatusPatches = new AtomicInteger();
  private final Set<String> podFieldSelectors = ConcurrentHashMap.newKeySet();
  private final AtomicInteger eventWrites = new AtomicInteger();
  private volatile Integer eventFailure;

  MockApi() {
    server = MockApiServer.start(new NodeFieldSelectorIgnoringDispatcher());
    client = server.client();
    errors = errorServer();
    Config config =
        new ConfigBuilder(client.getConfiguration())
            .withRequestRetryBackoffLimit(0)
            .withRequestTimeout((int) REQUEST_TIMEOUT.toMillis())
            .build();
    // The agent's client maps JSON as `node-agent run` does (only the kinds the agent reads).
    agentClient =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withKubernetesSerialization(LeanSerialization.create())
            .withHttpClientBuilderConsumer(
                b -> b.addOrReplaceInterceptor("status-faults", new StatusFaults()))
            .build();
  }

  /** The test's own client (never fails). */
  KubernetesClient client() {
    return client;
  }

  /** The client to give the agent. */
  KubernetesClient agentClient() {
    return agentClient;
  }

  /**
   * The next status patches fail with these HTTP codes, in order; 0 stands for a server that does
   * not answer within the agent client's request timeout.
   */
  void failNextStatusPatches(Integer... codes) {
    synchronized (failures) {
      failures.addAll(List.of(codes));
    }
  }

  /** Status patches that reached the API server (failed ones not counted). */
  int statusPatches() {
    return statusPatches.get();
  }

  int failedStatusPatches() {
    return failedStatusPatches.get();
  }

  /** Event creates and patches by the agent that reached the API server. */
  int eventWrites() {
    return eventWrites.get();
  }

  /**
   * Every Event write of the agent fails with this HTTP code from now on (0: no answer within the
   * request timeout); null makes them succeed again.
   */
  void failEventWrites(Integer code) {
    eventFailure = code;
  }

  /** The field selectors the agent sent with its pod lists and watches. */
  Set<String> podFieldSelectors() {
    return Set.copyOf(podFieldSelectors);
  }

  private final class StatusFaults implements Interceptor {
    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      URI uri = request.uri();
      if (uri.getPath().equals("/api/v1/pods") && uri.getRawQuery() != null) {
        for (String parameter : uri.getRawQuery().split("&")) {
          if (parameter.startsWith("fieldSelector=")) {
            podFieldSelectors.add(
                URLDecoder.decode(parameter.substring(14), StandardCharsets.UTF_8));
          }
        }
        return;
      }
      if (uri.getPath().matches("/api/v1/namespaces/[^/]+/events(/.*)?")
          && !"GET".equals(request.method())) {
        Integer code = eventFailure;
        if (code == null) {
          eventWrites.incrementAndGet();
        } else {
          builder.uri(
              URI.create("http://127.0.0.1:" + errors.getAddress().getPort() + "/fail/" + code));
        }
        return;
      }
      if (!"PATCH".equals(request.method()) || !request.uri().getPath().endsWith("/status")) {
        return;
      }
      Integer code;
      synchronized (failures) {
        code = failures.poll();
      }
      if (code == null) {
        statusPatches.incrementAndGet();
        return;
      }
      failedStatusPatches.incrementAndGet();
      builder.uri(
          URI.create("http://127.0.0.1:" + errors.getAddress().getPort() + "/fail/" + code));
    }
  }

  /**
   * The CRUD dispatcher, but pod lists and watches ignore a {@code spec.nodeName} field selector
   * instead of answering it with nothing.
   */
  static final class NodeFieldSelectorIgnoringDispatcher extends KubernetesCrudDispatcher {
    @Override
    public MockResponse handleGet(String path) {
      return super.handleGet(withoutNodeSelector(path));
    }

    @Override
    public MockResponse handleWatch(String path) {
      return super.handleWatch(withoutNodeSelector(path));
    }

    static String withoutNodeSelector(String path) {
      int query = path.indexOf('?');
      if (query < 0 || !path.startsWith("/api/v1/pods")) {
        return path;
      }
      List<String> kept = new ArrayList<>();
      for (String parameter : path.substring(query + 1).split("&")) {
        if (!parameter.startsWith("fieldSelector=spec.nodeName")) {
          kept.add(parameter);
        }
      }
      return path.substring(0, query) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }
  }

  /** Answers /fail/CODE with a Kubernetes Status of that code. */
  private static HttpServer errorServer() {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
      http.createContext(
          "/fail/",
          exchange -> {
            int code = Integer.parseInt(exchange.getRequestURI().getPath().substring(6));
            if (code == 0) {
              hang();
              code = 504;
            }
            byte[] body =
                ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                        + "\"message\":\"injected by the test\",\"code\":"
                        + code
                        + "}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(code, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      http.start();
      return http;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void hang() {
    try {
      Thread.sleep(REQUEST_TIMEOUT.multipliedBy(2).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    agentClient.close();
    errors.stop(0);
    server.close();
  }
}
