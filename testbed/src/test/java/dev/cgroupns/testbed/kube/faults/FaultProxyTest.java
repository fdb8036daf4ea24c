package dev.cgroupns.testbed.kube.faults;

import static dev.cgroupns.testbed.kube.faults.TestUpstream.configMap;
import static dev.cgroupns.testbed.kube.faults.TestUpstream.event;
import static dev.cgroupns.testbed.kube.faults.TestUpstream.json;
import static dev.cgroupns.testbed.kube.faults.TestUpstream.startWatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What passes through the proxy with no fault programmed: everything, unchanged, as it comes. */
class FaultProxyTest {

  private static final String CONFIG_MAPS = "/api/v1/namespaces/default/configmaps";

  @TempDir Path dir;
  private ProxyFixture fixture;

  @BeforeEach
  void start() throws IOException {
    fixture = ProxyFixture.start(dir);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  /** A request a client sends, and the server's answer to it. */
  record Exchange(
      String method,
      String target,
      String contentType,
      byte[] body,
      int answerCode,
      String answerType,
      byte[] answer) {

    @Override
    public String toString() {
      return method + " " + target + " (" + contentType + ") -> " + answerCode;
    }
  }

  static Stream<Exchange> exchanges() {
    byte[] large = new byte[1 << 20];
    new Random(13).nextBytes(large);
    String apply = "/apis/cgroupns.dev/v1alpha1/namespaces/team/cgroupisolations/demo";
    return Stream.of(
        new Exchange(
            "GET",
            CONFIG_MAPS + "/a?resourceVersion=0",
            null,
            new byte[0],
            200,
            "application/json",
            large),
        new Exchange(
            "POST",
            CONFIG_MAPS + "?fieldManager=operator",
            "application/json",
            bytes(configMap("", "v1")),
            201,
            "application/json",
            bytes(configMap("7", "v1"))),
        new Exchange(
            "PATCH",
            CONFIG_MAPS + "/a",
            "application/json-patch+json",
            bytes("[{\"op\":\"replace\",\"path\":\"/data/k\",\"value\":\"v2\"}]"),
            200,
            "application/json",
            bytes(configMap("8", "v2"))),
        new Exchange(
            "PATCH",
            CONFIG_MAPS + "/a",
            "application/merge-patch+json",
            bytes("{\"data\":{\"k\":\"v3\"}}"),
            200,
            "application/json",
            bytes(configMap("9", "v3"))),
        new Exchange(
            "PATCH",
            CONFIG_MAPS + "/a",
            "application/strategic-merge-patch+json",
            bytes("{\"data\":{\"k\":\"v4\"}}"),
            200,
            "application/json",
            bytes(configMap("10", "v4"))),
        new Exchange(
            "PATCH",
            apply + "/status?fieldManager=operator&force=true",
            "application/apply-patch+yaml",
            bytes(
                "apiVersion: cgroupns.dev/v1alpha1\nkind: CgroupIsolation\nstatus:\n  ready: 3\n"),
            200,
            "application/json",
            bytes("{\"kind\":\"CgroupIsolation\"}")),
        new Exchange(
            "DELETE",
            CONFIG_MAPS + "/a",
            "application/json",
            bytes("{\"propagationPolicy\":\"Foreground\"}"),
            200,
            "application/json",
            bytes("{\"kind\":\"Status\",\"status\":\"Success\"}")),
        new Exchange(
            "GET",
            CONFIG_MAPS + "/missing",
            null,
            new byte[0],
            404,
            "application/json",
            bytes("{\"kind\":\"Status\",\"code\":404,\"reason\":\"NotFound\"}")),
        new Exchange(
            "GET",
            "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb%2Ctier%21%3Ddb&limit=2",
            null,
            new byte[0],
            200,
            "application/json;as=Table;v=v1;g=meta.k8s.io",
            bytes("{\"kind\":\"Table\"}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exchanges")
  void requestsAndAnswersPassUnchanged(Exchange sent) throws Exception {
    fixture.upstream.answer(
        (request, exchange) -> {
          exchange.getResponseHeaders().set("Content-Type", sent.answerType());
          exchange.getResponseHeaders().set("Audit-Id", "audit-" + request.method());
          exchange.getResponseHeaders().add("Warning", "299 - \"first\"");
          exchange.getResponseHeaders().add("Warning", "299 - \"second\"");
          exchange.sendResponseHeaders(sent.answerCode(), sent.answer().length);
          exchange.getResponseBody().write(sent.answer());
        });
    HttpRequest.Builder request =
        fixture
            .request(sent.target())
            .method(sent.method(), BodyPublishers.ofByteArray(sent.body()))
            .header("Authorization", "Bearer " + ProxyFixture.TOKEN)
            .header("User-Agent", "operator/0.1 (test)")
            .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
            .header("X-Custom", "one")
            .header("X-Custom", "two");
    if (sent.contentType() != null) {
      request.header("Content-Type", sent.contentType());
    }

    HttpResponse<byte[]> answer = fixture.send(request.build());

    assertThat(fixture.upstream.received()).hasSize(1);
    TestUpstream.Request arrived = fixture.upstream.received().get(0);
    assertThat(arrived.method()).isEqualTo(sent.method());
    assertThat(arrived.target()).isEqualTo(sent.target());
    assertThat(arrived.header("Content-Type")).isEqualTo(sent.contentType());
    assertThat(arrived.header("Authorization")).isEqualTo("Bearer " + ProxyFixture.TOKEN);
    assertThat(arrived.header("User-Agent")).isEqualTo("operator/0.1 (test)");
    assertThat(arrived.header("Accept"))
        .isEqualTo("application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
    assertThat(arrived.headers().get("X-Custom")).containsExactly("one", "two");
    assertThat(arrived.body()).isEqualTo(sent.body());

    assertThat(answer.statusCode()).isEqualTo(sent.answerCode());
    assertThat(answer.headers().firstValue("Content-Type")).contains(sent.answerType());
    assertThat(answer.headers().firstValue("Audit-Id")).contains("audit-" + sent.method());
    assertThat(answer.headers().allValues("Warning"))
        .containsExactly("299 - \"first\"", "299 - \"second\"");
    assertThat(answer.body()).isEqualTo(sent.answer());
  }

  @Test
  void aWatchsEventsReachTheClientWhileTheServerStillStreams() throws Exception {
    CountDownLatch clientSawFirst = new CountDownLatch(1);
    AtomicBoolean serverDone = new AtomicBoolean();
    fixture.upstream.answer(
        (request, exchange) -> {
          OutputStream watch = startWatch(exchange);
          event(watch, "ADDED", configMap("2", "v1"));
          // The second event only goes out once the client has the first: a proxy that buffered
          // the answer would never hand the first one over.
          clientSawFirst.await(30, TimeUnit.SECONDS);
          event(watch, "MODIFIED", configMap("3", "v2"));
          serverDone.set(true);
        });

    HttpResponse<InputStream> answer =
        fixture.stream(fixture.request(CONFIG_MAPS + "?watch=true&resourceVersion=1").build());
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).contains("application/json");
    try (BufferedReader events =
        new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
      String first =
          CompletableFuture.supplyAsync(() -> readLine(events)).get(20, TimeUnit.SECONDS);
      assertThat(first).contains("\"ADDED\"", "\"resourceVersion\":\"2\"");
      assertThat(serverDone).isFalse();
      clientSawFirst.countDown();
      assertThat(events.readLine()).contains("\"MODIFIED\"", "\"resourceVersion\":\"3\"");
      assertThat(events.readLine()).isNull();
    }
    assertThat(serverDone).isTrue();
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void fabric8sBearerTokenAndUserAgentReachTheServerUnchanged() {
    fixture.upstream.answer((request, exchange) -> json(exchange, 200, configMap("5", "v1")));
    try (KubernetesClient client = fixture.fabric8("cgroupns-operator/test")) {
      ConfigMap got = client.configMaps().withName("a").get();
      assertThat(got.getData()).containsEntry("k", "v1");
    }
    TestUpstream.Request arrived = fixture.upstream.received().get(0);
    assertThat(arrived.target()).isEqualTo(CONFIG_MAPS + "/a");
    assertThat(arrived.header("Authorization")).isEqualTo("Bearer " + ProxyFixture.TOKEN);
    assertThat(arrived.header("User-Agent")).isEqualTo("cgroupns-operator/test");
  }

  /**
   * kubectl leaves a kubeconfig's credentials out for an http:// server, which is why the proxy
   * serves HTTPS: through it, kubectl's token arrives as sent, and kubectl accepts the proxy's
   * self-signed certificate as the cluster's authority.
   */
  @Test
  void kubectlsBearerTokenReachesTheServerThroughTheProxy() throws Exception {
    boolean kubectl = onPath("kubectl");
    if (!kubectl && "true".equals(System.getenv("CI"))) {
      fail("needs kubectl on PATH");
    }
    assumeTrue(kubectl, "needs kubectl on PATH");
    fixture.upstream.answer(
        (request, exchange) -> {
          if (request.target().startsWith("/version")) {
            json(exchange, 200, "{\"major\":\"1\",\"minor\":\"36\",\"gitVersion\":\"v1.36.3\"}");
          } else {
            json(exchange, 200, configMap("5", "from-upstream"));
          }
        });
    String ca =
        Base64.getEncoder()
            .encodeToString(fixture.proxy.caCertificatePem().getBytes(StandardCharsets.US_ASCII));
    Path kubeconfig =
        Files.writeString(
            dir.resolve("kubeconfig"),
            String.join(
                "\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: proxy",
                "  cluster:",
                "    server: " + fixture.proxy.url(),
                "    certificate-authority-data: " + ca,
                "users:",
                "- name: sa",
                "  user:",
                "    token: kubectl-" + ProxyFixture.TOKEN,
                "contexts:",
                "- name: proxy",
                "  context: {cluster: proxy, user: sa}",
                "current-context: proxy",
                ""));
    Process process =
        new ProcessBuilder(
                "kubectl",
                "--kubeconfig",
                kubeconfig.toString(),
                "get",
                "--raw",
                CONFIG_MAPS + "/a")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("from-upstream");
    List<TestUpstream.Request> forConfigMap =
        fixture.upstream.received().stream()
            .filter(r -> r.target().equals(CONFIG_MAPS + "/a"))
            .toList();
    assertThat(forConfigMap).hasSize(1);
    assertThat(forConfigMap.get(0).header("Authorization"))
        .isEqualTo("Bearer kubectl-" + ProxyFixture.TOKEN);
  }

  private static boolean onPath(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
