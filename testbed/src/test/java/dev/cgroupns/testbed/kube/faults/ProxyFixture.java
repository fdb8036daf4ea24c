package dev.cgroupns.testbed.kube.faults;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;

/** A {@link TestUpstream} with a {@link FaultProxy} in front, and clients of the proxy. */
final class ProxyFixture implements AutoCloseable {

  static final String TOKEN = "sa-token.eyJhbGciOiJSUzI1NiJ9.not-checked-here";

  final TestUpstream upstream;
  final FaultProxy proxy;
  private final HttpClient client;

  private ProxyFixture(TestUpstream upstream, FaultProxy proxy) {
    this.upstream = upstream;
    this.proxy = proxy;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(LoopbackTls.trusting(proxy.caCertificatePem()))
            .build();
  }

  static ProxyFixture start(Path dir) throws IOException {
    TestUpstream upstream = TestUpstream.start(dir);
    try {
      return new ProxyFixture(upstream, FaultProxy.start(upstream.url(), upstream.caFile()));
    } catch (RuntimeException e) {
      upstream.close();
      throw e;
    }
  }

  /** A request to the proxy, for a target such as {@code /api/v1/namespaces}. */
  HttpRequest.Builder request(String target) {
    return HttpRequest.newBuilder(URI.create(proxy.url() + target));
  }

  HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, BodyHandlers.ofByteArray());
  }

  /** Sends and returns once the answer's headers are in, its body still arriving. */
  HttpResponse<InputStream> stream(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, BodyHandlers.ofInputStream());
  }

  /**
   * A fabric8 client of the proxy, made as one of the API server would be (bearer token, user
   * agent) and then pointed at the proxy; short reconnect and no retries, so what a fault does is
   * what the test sees.
   */
  KubernetesClient fabric8(String userAgent) {
    Config direct =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(upstream.url().toString())
            .withCaCertFile(upstream.caFile().toString())
            .withOauthToken(TOKEN)
            .withUserAgent(userAgent)
            .withNamespace("default")
            .withRequestTimeout(10_000)
            .withRequestRetryBackoffLimit(0)
            .withWatchReconnectInterval(100)
            .build();
    return new KubernetesClientBuilder().withConfig(proxy.throughProxy(direct)).build();
  }

  @Override
  public void close() {
    proxy.close();
    upstream.close();
  }
}
