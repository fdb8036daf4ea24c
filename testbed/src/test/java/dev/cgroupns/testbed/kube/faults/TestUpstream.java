package dev.cgroupns.testbed.kube.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The API server of the proxy's tests: HTTPS on 127.0.0.1 with a certificate of its own, recording
 * every request it gets and answering as the test says, so a test sees exactly what the proxy sent
 * on and controls when each event of a watch goes out.
 */
final class TestUpstream implements AutoCloseable {

  /** A request as it arrived, headers by case-insensitive name. */
  record Request(String method, String target, Map<String, List<String>> headers, byte[] body) {

    String header(String name) {
      List<String> values = headers.get(name);
      return values == null ? null : values.get(0);
    }

    boolean isWatch() {
      return RequestTarget.isWatch(target);
    }
  }

  /** How the server answers; {@link #holdOpen()} keeps a watch open until the server closes. */
  @FunctionalInterface
  interface Answer {
    void answer(Request request, HttpExchange exchange) throws IOException, InterruptedException;
  }

  private final HttpsServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Path caFile;
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Answer answer = (request, exchange) -> json(exchange, 404, "{}");

  private TestUpstream(HttpsServer server, Path caFile) {
    this.server = server;
    this.caFile = caFile;
  }

  /** Starts the server; its certificate goes to a PEM file in {@code dir}, the proxy's CA. */
  static TestUpstream start(Path dir) throws IOException {
    LoopbackTls tls = LoopbackTls.generate();
    Path caFile = Files.writeString(dir.resolve("upstream-ca.pem"), tls.certificatePem());
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
    TestUpstream upstream = new TestUpstream(server, caFile);
    server.setExecutor(upstream.threads);
    server.createContext("/", upstream::handle);
    server.start();
    return upstream;
  }

  URI url() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  Path caFile() {
    return caFile;
  }

  void answer(Answer answer) {
    this.answer = answer;
  }

  /** Every request so far, in the order they arrived. */
  List<Request> received() {
    return List.copyOf(received);
  }

  List<Request> watches() {
    return received.stream().filter(Request::isWatch).toList();
  }

  List<Request> lists() {
    return received.stream().filter(r -> r.method().equals("GET") && !r.isWatch()).toList();
  }

  /** Blocks an answer (a watch) until the server closes. */
  void holdOpen() throws InterruptedException {
    closing.await();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headers.putAll(exchange.getRequestHeaders());
      URI uri = exchange.getRequestURI();
      Request request =
          new Request(
              exchange.getRequestMethod(),
              uri.getRawQuery() == null
                  ? uri.getRawPath()
                  : uri.getRawPath() + "?" + uri.getRawQuery(),
              headers,
              exchange.getRequestBody().readAllBytes());
      received.add(request);
      answer.answer(request, exchange);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void json(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** Starts a watch's answer: 200, chunked, as kube-apiserver streams one. */
  static OutputStream startWatch(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    return exchange.getResponseBody();
  }

  /** Sends one watch event (a line) at once. */
  static void event(OutputStream watch, String type, String object) throws IOException {
    watch.write(
        ("{\"type\":\"" + type + "\",\"object\":" + object + "}\n")
            .getBytes(StandardCharsets.UTF_8));
    watch.flush();
  }

  /** A ConfigMap "a" in "default" as JSON, at a resourceVersion, with data k=value. */
  static String configMap(String resourceVersion, String value) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\","
        + "\"namespace\":\"default\",\"resourceVersion\":\""
        + resourceVersion
        + "\"},\"data\":{\"k\":\""
        + value
        + "\"}}";
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
