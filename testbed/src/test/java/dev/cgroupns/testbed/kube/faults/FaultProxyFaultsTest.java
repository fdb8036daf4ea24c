package dev.cgroupns.testbed.kube.faults;

import static dev.cgroupns.testbed.kube.faults.TestUpstream.configMap;
import static dev.cgroupns.testbed.kube.faults.TestUpstream.event;
import static dev.cgroupns.testbed.kube.faults.TestUpstream.json;
import static dev.cgroupns.testbed.kube.faults.TestUpstream.startWatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each kind of fault, as a client of the proxy and the server behind it see it. */
class FaultProxyFaultsTest {

  private static final String CONFIG_MAPS = "/api/v1/namespaces/default/configmaps";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HOLD = Duration.ofMillis(2_000);
  private static final Duration GIVES_UP = Duration.ofMillis(500);
  private static final Duration WAITS = Duration.ofSeconds(30);

  @TempDir Path dir;
  private ProxyFixture fixture;

  @BeforeEach
  void start() throws IOException {
    fixture = ProxyFixture.start(dir);
    fixture.upstream.answer(
        (request, exchange) -> json(exchange, 200, configMap("2", "from-upstream")));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  /**
   * A request first, so that the connection (TLS included) is up before a client that gives up
   * quickly sends: its time then goes to the held answer only.
   */
  private void connect() throws Exception {
    assertThat(fixture.send(fixture.request("/version").build()).statusCode()).isEqualTo(200);
  }

  private List<TestUpstream.Request> patches() {
    return fixture.upstream.received().stream().filter(r -> r.method().equals("PATCH")).toList();
  }

  private HttpRequest patch(String userAgent, Duration timeout) {
    return fixture
        .request(CONFIG_MAPS + "/a?fieldManager=" + userAgent)
        .method("PATCH", BodyPublishers.ofString("{\"data\":{\"k\":\"v2\"}}"))
        .header("Content-Type", "application/merge-patch+json")
        .header("User-Agent", userAgent)
        .timeout(timeout)
        .build();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "409, Conflict, Operation cannot be fulfilled on configmaps \"a\": the object has been modified",
    "500, InternalError, InternalError for configmaps \"a\"",
    "503, ServiceUnavailable, ServiceUnavailable for configmaps \"a\""
  })
  void anErrorIsAnsweredWithAStatusAndTheServerNeverSeesTheRequest(
      int code, String reason, String message) throws Exception {
    FaultRule rule =
        fixture
            .proxy
            .faults()
            .add(
                FaultRule.on("PATCH", CONFIG_MAPS + "/*", Fault.error(code))
                    .whenHeader("User-Agent", "agent"));

    assertThat(fixture.send(patch("operator", WAITS)).statusCode()).isEqualTo(200);
    assertThat(fixture.upstream.received()).hasSize(1);

    HttpResponse<byte[]> refused = fixture.send(patch("agent", WAITS));
    assertThat(refused.statusCode()).isEqualTo(code);
    assertThat(refused.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode status = JSON.readTree(refused.body());
    assertThat(status.path("kind").asText()).isEqualTo("Status");
    assertThat(status.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(status.path("status").asText()).isEqualTo("Failure");
    assertThat(status.path("code").asInt()).isEqualTo(code);
    assertThat(status.path("reason").asText()).isEqualTo(reason);
    assertThat(status.path("message").asText()).startsWith(message);
    assertThat(fixture.upstream.received()).hasSize(1);
    assertThat(rule.hits()).isEqualTo(1);

    // Used up: the next one passes.
    assertThat(fixture.send(patch("agent", WAITS)).statusCode()).isEqualTo(200);
    assertThat(fixture.upstream.received()).hasSize(2);
  }

  @Test
  void anAnswerHeldBeforeTheWriteTimesTheClientOutAndNeverReachesTheServer() throws Exception {
    FaultRule rule =
        fixture
            .proxy
            .faults()
            .add(
                FaultRule.on("PATCH", CONFIG_MAPS + "/*", Fault.timeoutBeforeWrite(HOLD)).times(2));

    connect();
    assertThatThrownBy(() -> fixture.send(patch("impatient", GIVES_UP)))
        .isInstanceOf(HttpTimeoutException.class);
    await().atMost(WAITS).until(() -> rule.hits() == 1);
    // One that waits gets the 504 at the end of the hold; the server has seen neither.
    HttpResponse<byte[]> late = fixture.send(patch("patient", WAITS));
    assertThat(late.statusCode()).isEqualTo(504);
    assertThat(JSON.readTree(late.body()).path("reason").asText()).isEqualTo("Timeout");
    assertThat(patches()).isEmpty();
    assertThat(rule.hits()).isEqualTo(2);
  }

  @Test
  void aWriteWhoseAnswerIsHeldTakesEffectWhileTheClientTimesOut() throws Exception {
    FaultRule rule =
        fixture
            .proxy
            .faults()
            .add(FaultRule.on("PATCH", CONFIG_MAPS + "/*", Fault.timeoutAfterWrite(HOLD)).times(2));

    connect();
    assertThatThrownBy(() -> fixture.send(patch("impatient", GIVES_UP)))
        .isInstanceOf(HttpTimeoutException.class);
    await().atMost(WAITS).until(() -> patches().size() == 1);
    assertThat(patches().get(0).header("User-Agent")).isEqualTo("impatient");
    // One that waits gets the server's own answer, late.
    HttpResponse<byte[]> late = fixture.send(patch("patient", WAITS));
    assertThat(late.statusCode()).isEqualTo(200);
    assertThat(new String(late.body(), StandardCharsets.UTF_8)).contains("from-upstream");
    assertThat(patches()).hasSize(2);
    assertThat(rule.hits()).isEqualTo(2);
  }

  @Test
  void aDroppedWatchEndsAfterItsEventsWhileTheServerStillStreams() throws Exception {
    AtomicBoolean serverEnded = new AtomicBoolean();
    fixture.upstream.answer(
        (request, exchange) -> {
          OutputStream watch = startWatch(exchange);
          event(
              watch,
              "BOOKMARK",
              "{\"kind\":\"ConfigMap\",\"metadata\":{\"resourceVersion\":\"1\"}}");
          event(watch, "ADDED", configMap("2", "v1"));
          event(watch, "MODIFIED", configMap("3", "v2"));
          event(watch, "MODIFIED", configMap("4", "v3"));
          fixture.upstream.holdOpen();
          serverEnded.set(true);
        });
    FaultRule rule =
        fixture.proxy.faults().add(FaultRule.on("GET", CONFIG_MAPS, Fault.dropWatch(2)));

    List<String> events = readWatch(CONFIG_MAPS + "?watch=true&resourceVersion=1");

    // The bookmark is not counted; the third event never comes.
    assertThat(events).hasSize(3);
    assertThat(events.get(0)).contains("\"BOOKMARK\"");
    assertThat(events.get(1)).contains("\"ADDED\"");
    assertThat(events.get(2)).contains("\"MODIFIED\"", "\"resourceVersion\":\"3\"");
    assertThat(serverEnded).isFalse();
    assertThat(rule.hits()).isEqualTo(1);
  }

  @Test
  void aWatchDroppedAtOnceGetsNoEvent() throws Exception {
    fixture.upstream.answer(
        (request, exchange) -> {
          OutputStream watch = startWatch(exchange);
          event(watch, "ADDED", configMap("2", "v1"));
          fixture.upstream.holdOpen();
        });
    FaultRule rule =
        fixture.proxy.faults().add(FaultRule.on("GET", CONFIG_MAPS, Fault.dropWatch(0)));

    assertThat(readWatch(CONFIG_MAPS + "?watch=true")).isEmpty();
    assertThat(fixture.upstream.watches()).hasSize(1);
    assertThat(rule.hits()).isEqualTo(1);
  }

  @Test
  void anExpiredWatchGetsOneErrorEventAndTheServerNeverSeesIt() throws Exception {
    FaultRule rule =
        fixture.proxy.faults().add(FaultRule.on("GET", CONFIG_MAPS, Fault.watchExpired()));

    // A list on the same path is no watch: it passes.
    assertThat(fixture.send(fixture.request(CONFIG_MAPS).build()).statusCode()).isEqualTo(200);
    List<String> events = readWatch(CONFIG_MAPS + "?watch=true&resourceVersion=5");

    assertThat(events).hasSize(1);
    JsonNode event = JSON.readTree(events.get(0));
    assertThat(event.path("type").asText()).isEqualTo("ERROR");
    assertThat(event.path("object").path("kind").asText()).isEqualTo("Status");
    assertThat(event.path("object").path("code").asInt()).isEqualTo(410);
    assertThat(event.path("object").path("reason").asText()).isEqualTo("Expired");
    assertThat(event.path("object").path("message").asText())
        .startsWith("too old resource version: 5");
    assertThat(fixture.upstream.watches()).isEmpty();
    assertThat(fixture.upstream.lists()).hasSize(1);
    assertThat(rule.hits()).isEqualTo(1);
  }

  /** A watch's events until the answer ends; fails if it does not end within the bound. */
  private List<String> readWatch(String target) throws Exception {
    HttpResponse<InputStream> answer = fixture.stream(fixture.request(target).build());
    assertThat(answer.statusCode()).isEqualTo(200);
    return CompletableFuture.supplyAsync(() -> lines(answer.body()))
        .get(WAITS.toSeconds(), TimeUnit.SECONDS);
  }

  private static List<String> lines(InputStream body) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      return reader.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
