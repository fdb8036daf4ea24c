package dev.cgroupns.testbed.kube.faults;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The proxy's client of the real API server: sends a request on as it came, headers and body
 * unchanged except those that belong to one connection only, and hands back the answer with its
 * body still streaming (a watch's events arrive as the server sends them).
 *
 * <p>HTTP/1.1, one connection per request in flight: that is what the test upstream speaks, so what
 * the tests prove is what runs against kube-apiserver, and a watch cut by the proxy closes its own
 * connection.
 */
final class Upstream {

  /**
   * Headers of one hop (RFC 9110 section 7.6.1), and those the JDK client sets itself and refuses
   * to take (host, content-length, expect): never copied in either direction.
   */
  private static final Set<String> OWN_HEADERS =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length",
          "expect");

  private final URI base;
  private final HttpClient client;

  /**
   * @param base the server's URL, e.g. {@code https://127.0.0.1:6443}
   * @param caPem the certificate authority (PEM) the server's certificate must chain to
   */
  Upstream(URI base, String caPem) {
    if (!"https".equals(base.getScheme())) {
      throw new IllegalArgumentException("the upstream API server is https: " + base);
    }
    this.base = base;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(LoopbackTls.trusting(caPem))
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Whether a header is the connection's own, not the request's or the answer's. */
  static boolean ownHeader(String name) {
    return OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT));
  }

  /**
   * Sends the request and waits for the answer's status and headers; by then the server has done
   * the request (kube-apiserver answers a write once it is stored). No timeout: a watch lasts as
   * long as the server or the client wants.
   *
   * @param pathAndQuery the request target as the client sent it, still encoded
   */
  HttpResponse<InputStream> send(
      String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(pathAndQuery))
            .method(
                method,
                body.length == 0 ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
    headers.forEach(
        (name, values) -> {
          if (!ownHeader(name)) {
            values.forEach(value -> request.header(name, value));
          }
        });
    return client.send(request.build(), BodyHandlers.ofInputStream());
  }
}
