package dev.cgroupns.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(HealthServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesProbesAndMetrics() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HealthServer server =
        new HealthServer(0, () -> true, ready::get, () -> "operator_sdk_events_received 1\n")) {
      server.start();
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = get(server, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("operator_sdk_events_received");
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    }
  }

  @Test
  void aThrowingCheckIsNotReady() throws Exception {
    try (HealthServer server =
        new HealthServer(
            0,
            () -> true,
            () -> {
              throw new IllegalStateException("informer gone");
            },
            () -> "")) {
      server.start();
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
    }
  }
}
