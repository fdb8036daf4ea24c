package dev.cgroupns.testbed.kube.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fault-injecting reverse proxy in front of a real API server: listens on 127.0.0.1 over HTTPS,
 * sends every request on to the server and its answer back, unchanged, a watch's events as they
 * come, except where a test has programmed a fault ({@link #faults()}): then the request is
 * answered with an error without reaching the server, answered late before or after it took effect,
 * or, for a watch, cut after some events or answered as expired.
 *
 * <p>HTTPS, not plain HTTP, because kubectl sends no credentials to an {@code http://} server
 * (client-go's kubeconfig loader leaves them out unless the transport is TLS); fabric8 would send
 * its token either way. Clients trust the proxy's own certificate ({@link #caCertificatePem()},
 * {@link #throughProxy(Config)}).
 *
 * <p>Identity passes through: the proxy adds no credentials of its own and sends the client's
 * {@code Authorization} header on unchanged, so a bearer token (a ServiceAccount's) reaches the
 * server as the client's. A client certificate cannot pass: TLS ends at the proxy.
 *
 * <p>Upgraded connections (WebSocket, SPDY) are not relayed. A WebSocket watch, which fabric8 tries
 * first, is answered with a plain 200, on which fabric8 watches over HTTP instead (as behind {@code
 * kubectl proxy}); exec, attach and port-forward get a 501.
 */
public final class FaultProxy implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoopbackTls tls;
  private final Upstream upstream;
  private final HttpsServer server;
  private final ExecutorService threads;
  private final FaultRules faults = new FaultRules();

  /** The answers being relayed, closed with the proxy so that no thread waits on them. */
  private final Set<Closeable> relaying = ConcurrentHashMap.newKeySet();

  private FaultProxy(LoopbackTls tls, Upstream upstream, HttpsServer server, ExecutorService pool) {
    this.tls = tls;
    this.upstream = upstream;
    this.server = server;
    this.threads = pool;
  }

  /**
   * Starts a proxy on an ephemeral port of 127.0.0.1.
   *
   * @param apiServer the real server's URL, e.g. {@code https://127.0.0.1:6443}
   * @param apiServerCa the PEM file of the certificate authority its certificate chains to
   */
  public static FaultProxy start(URI apiServer, Path apiServerCa) {
    try {
      Upstream upstream = new Upstream(apiServer, Files.readString(apiServerCa));
      LoopbackTls tls = LoopbackTls.generate();
      HttpsServer server =
          HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
      AtomicInteger count = new AtomicInteger();
      // One thread per request in flight: watches and held answers each keep theirs.
      ExecutorService pool =
          Executors.newCachedThreadPool(
              task -> {
                Thread thread = new Thread(task, "fault-proxy-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      server.setExecutor(pool);
      FaultProxy proxy = new FaultProxy(tls, upstream, server, pool);
      server.createContext("/", proxy::handle);
      server.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fault proxy for " + apiServer, e);
    }
  }

  /** The URL clients use instead of the API server's, e.g. {@code https://127.0.0.1:40123}. */
  public String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The proxy's own certificate (PEM), which its clients trust as their certificate authority. */
  public String caCertificatePem() {
    return tls.certificatePem();
  }

  /**
   * {@code direct}, the configuration of a client of the API server, pointed at the proxy instead:
   * same credentials, user agent and timeouts; the proxy's URL and certificate.
   */
  public Config throughProxy(Config direct) {
    return new ConfigBuilder(direct)
        .withMasterUrl(url())
        .withCaCertFile(null)
        .withCaCertData(
            Base64.getEncoder()
                .encodeToString(caCertificatePem().getBytes(StandardCharsets.US_ASCII)))
        .withTrustCerts(false)
        .build();
  }

  /** The faults tests program; none at first, and then every request passes unchanged. */
  public FaultRules faults() {
    return faults;
  }

  private void handle(HttpExchange exchange) {
    String method = exchange.getRequestMethod();
    URI uri = exchange.getRequestURI();
    String target =
        uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
    try {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Headers headers = exchange.getRequestHeaders();
      if (headers.containsKey("Upgrade")) {
        refuseUpgrade(exchange, method, target);
        return;
      }
      Optional<FaultRule> rule = faults.take(method, target, headers::getFirst);
      if (rule.isPresent() && !rule.get().fault().performsRequest()) {
        answerInstead(exchange, method, target, rule.get().fault());
      } else {
        forward(exchange, method, target, body, rule.orElse(null));
      }
    } catch (IOException e) {
      // The client left (gave up on a held answer, closed its watch) or the server is unreachable.
      LOG.debug("{} {}: {}", method, target, e.toString());
      if (exchange.getResponseCode() == -1) {
        answer(exchange, 502, "InternalError", "fault proxy: no answer from the API server: " + e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      exchange.close();
    }
  }

  /** Answers a request that is not performed: an error status, or an expired watch. */
  private void answerInstead(HttpExchange exchange, String method, String target, Fault fault)
      throws IOException, InterruptedException {
    Thread.sleep(fault.hold().toMillis());
    Status status = fault.status(method, target);
    if (fault.kind() == Fault.Kind.EXPIRED_WATCH) {
      // As kube-apiserver: the watch itself is accepted, its only event says why it ends.
      String event = JSON.writeValueAsString(new WatchEvent(status, "ERROR")) + "\n";
      send(exchange, 200, event.getBytes(StandardCharsets.UTF_8));
    } else {
      send(exchange, fault.code(), JSON.writeValueAsBytes(status));
    }
  }

  /**
   * Sends the request on and relays the answer: held back first for a late answer, cut after some
   * events for a dropped watch.
   */
  private void forward(
      HttpExchange exchange, String method, String target, byte[] body, FaultRule rule)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        upstream.send(method, target, exchange.getRequestHeaders(), body);
    InputStream in = response.body();
    relaying.add(in);
    try (in) {
      if (rule != null) {
        // The server has done the request; the client waits, and may give up.
        Thread.sleep(rule.fault().hold().toMillis());
      }
      Headers headers = exchange.getResponseHeaders();
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!Upstream.ownHeader(name)) {
                  headers.put(name, values);
                }
              });
      exchange.sendResponseHeaders(response.statusCode(), bodyLength(method, response));
      OutputStream out = exchange.getResponseBody();
      if (rule != null
          && rule.fault().kind() == Fault.Kind.DROPPED_WATCH
          && response.statusCode() == 200) {
        relayUntilCut(in, out, rule, target);
      } else {
        relay(in, out);
      }
    } finally {
      relaying.remove(in);
    }
  }

  /** The length the JDK server is told: -1 for no body, 0 for chunked (a watch), else as sent. */
  private static long bodyLength(String method, HttpResponse<?> response) {
    int code = response.statusCode();
    if (method.equals("HEAD") || code == 204 || code == 304) {
      return -1;
    }
    OptionalLong length = response.headers().firstValueAsLong("content-length");
    if (length.isEmpty()) {
      return 0;
    }
    return length.getAsLong() == 0 ? -1 : length.getAsLong();
  }

  /** Copies the body, flushing after every read so that a watch's events go out as they come. */
  private static void relay(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
      out.flush();
    }
  }

  /**
   * Relays a watch event by event (one JSON object a line, as kube-apiserver streams them) until
   * the rule's count has passed, then ends the answer if the rule still has a cut to give (another
   * watch may have had it first: then this one goes on).
   */
  private static void relayUntilCut(InputStream in, OutputStream out, FaultRule rule, String target)
      throws IOException {
    BufferedInputStream events = new BufferedInputStream(in);
    int passed = 0;
    while (passed < rule.fault().afterEvents()) {
      byte[] line = readLine(events);
      if (line == null) {
        return; // the server ended the watch first
      }
      out.write(line);
      out.flush();
      if (!isBookmark(line)) {
        passed++;
      }
    }
    if (rule.claim()) {
      LOG.info("cutting watch {} after {} events: {}", target, passed, rule);
      return;
    }
    relay(events, out);
  }

  /** The next line with its newline, the rest at the end of the stream, null after the end. */
  private static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      line.write(b);
      if (b == '\n') {
        break;
      }
    }
    return line.size() == 0 ? null : line.toByteArray();
  }

  /** Bookmarks come when the server pleases, so a count that included them would not repeat. */
  private static boolean isBookmark(byte[] line) {
    try {
      JsonNode event = JSON.readTree(line);
      return event != null && "BOOKMARK".equals(event.path("type").asText());
    } catch (IOException e) {
      return false;
    }
  }

  private void refuseUpgrade(HttpExchange exchange, String method, String target)
      throws IOException {
    if (RequestTarget.isWatch(target)) {
      LOG.debug("WebSocket watch {} answered 200: watch over HTTP", target);
      exchange.sendResponseHeaders(200, -1);
    } else {
      answer(
          exchange,
          501,
          "NotImplemented",
          "fault proxy: upgraded connections are not relayed (" + method + " " + target + ")");
    }
  }

  /** A Status answer of the proxy's own (not an injected fault); the client may be gone. */
  private static void answer(HttpExchange exchange, int code, String reason, String message) {
    try {
      send(exchange, code, JSON.writeValueAsBytes(Fault.failure(code, reason, message)));
    } catch (IOException e) {
      LOG.debug("cannot answer {}: {}", code, e.toString());
    }
  }

  private static void send(HttpExchange exchange, int code, byte[] json) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, json.length);
    exchange.getResponseBody().write(json);
  }

  /**
   * Stops listening, ends every answer still being relayed (watches, held answers) and frees the
   * port.
   */
  @Override
  public void close() {
    server.stop(0);
    for (Closeable in : relaying) {
      try {
        in.close();
      } catch (IOException e) {
        LOG.debug("closing an answer: {}", e.toString());
      }
    }
    threads.shutdownNow();
  }
}
