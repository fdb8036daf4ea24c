package dev.cgroupns.sandbox.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cgroupns.testbed.kube.CrdInstaller;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The endpoint's HTTP answers that kubectl depends on, checked at the protocol level: discovery and
 * OpenAPI derived from the CRDs, status patches with a query, and the clear refusals.
 */
class EndpointProtocolTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CGI =
      "/apis/cgroupns.dev/v1alpha1/namespaces/default/cgroupisolations";
  private static EmbeddedApiServer api;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    api = EmbeddedApiServer.start(0);
    try (var client = api.client()) {
      new CrdInstaller(client).install(Path.of("../crds"));
    }
    send(
        "POST",
        CGI,
        "application/json",
        "{\"apiVersion\":\"cgroupns.dev/v1alpha1\",\"kind\":\"CgroupIsolation\","
            + "\"metadata\":{\"name\":\"p\",\"namespace\":\"default\"},"
            + "\"spec\":{\"podSelector\":{\"matchLabels\":{\"app\":\"demo\"}}}}");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void discoveryNamesTheCrdsResourcesWithShortNamesAndStatus() throws Exception {
    JsonNode groups = json(send("GET", "/apis", null, null));
    List<String> names = new ArrayList<>();
    groups.get("groups").forEach(g -> names.add(g.get("name").asText()));
    assertThat(names).contains("cgroupns.dev", "apiextensions.k8s.io");

    JsonNode resources = json(send("GET", "/apis/cgroupns.dev/v1alpha1", null, null));
    List<String> resourceNames = new ArrayList<>();
    resources.get("resources").forEach(r -> resourceNames.add(r.get("name").asText()));
    assertThat(resourceNames)
        .containsExactlyInAnyOrder(
            "cgroupisolations",
            "cgroupisolations/status",
            "cgroupisolationnodes",
            "cgroupisolationnodes/status");
    JsonNode cgi = null;
    for (JsonNode r : resources.get("resources")) {
      if (r.get("name").asText().equals("cgroupisolations")) {
        cgi = r;
      }
    }
    assertThat(cgi.get("shortNames").toString()).isEqualTo("[\"cgi\",\"cgiso\"]");
    assertThat(cgi.get("namespaced").asBoolean()).isTrue();
    assertThat(send("GET", "/apis/nothing.example/v1", null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void openApiV3DeclaresServerSideFieldValidationAndNoStrategicMerge() throws Exception {
    JsonNode root = json(send("GET", "/openapi/v3", null, null));
    String url = root.at("/paths/apis~1cgroupns.dev~1v1alpha1/serverRelativeURL").asText();
    assertThat(url).startsWith("/openapi/v3/apis/cgroupns.dev/v1alpha1?hash=");

    JsonNode doc = json(send("GET", url, null, null));
    JsonNode patch =
        doc.at(
            "/paths/~1apis~1cgroupns.dev~1v1alpha1~1namespaces~1{namespace}~1cgroupisolations~1{name}/patch");
    assertThat(patch.at("/x-kubernetes-group-version-kind/kind").asText())
        .isEqualTo("CgroupIsolation");
    assertThat(patch.get("parameters").findValuesAsText("name")).contains("fieldValidation");
    List<String> patchTypes = new ArrayList<>();
    patch.at("/requestBody/content").fieldNames().forEachRemaining(patchTypes::add);
    assertThat(patchTypes).doesNotContain("application/strategic-merge-patch+json");
    assertThat(
            doc.at(
                    "/components/schemas/dev.cgroupns.v1alpha1.CgroupIsolation/properties/spec/properties/podSelector")
                .isObject())
        .isTrue();
    assertThat(send("GET", "/openapi/v2", null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void statusPatchWithAQueryChangesTheStatus() throws Exception {
    HttpResponse<String> patched =
        send(
            "PATCH",
            CGI + "/p/status?fieldManager=kubectl-patch",
            "application/merge-patch+json",
            "{\"status\":{\"matched\":2}}");
    assertThat(patched.statusCode()).isBetween(200, 202);
    assertThat(json(send("GET", CGI + "/p", null, null)).at("/status/matched").asInt())
        .isEqualTo(2);
  }

  @Test
  void whatTheStoreCannotDoIsRefusedClearly() throws Exception {
    HttpResponse<String> dryRun =
        send("POST", CGI + "?dryRun=All", "application/json", "{\"kind\":\"CgroupIsolation\"}");
    assertThat(dryRun.statusCode()).isEqualTo(400);
    assertThat(dryRun.body()).contains("does not support dry runs");

    HttpResponse<String> strategic =
        send("PATCH", CGI + "/p", "application/strategic-merge-patch+json", "{\"spec\":{}}");
    assertThat(strategic.statusCode()).isEqualTo(415);
    assertThat(strategic.body()).contains("JSON merge patch");

    HttpResponse<String> apply =
        send("PATCH", CGI + "/p?fieldManager=x", "application/apply-patch+yaml", "spec: {}");
    assertThat(apply.statusCode()).isEqualTo(415);

    HttpResponse<String> watch = send("GET", CGI + "?watch=true", null, null);
    assertThat(watch.statusCode()).isEqualTo(410);
    assertThat(json(watch).get("reason").asText()).isEqualTo("Expired");
  }

  @Test
  void listsCarryTheirRealKindAndTablesTheCrdColumns() throws Exception {
    assertThat(json(send("GET", CGI, null, null)).get("kind").asText())
        .isEqualTo("CgroupIsolationList");
    HttpRequest tableRequest =
        HttpRequest.newBuilder(URI.create(api.url() + CGI))
            .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
            .GET()
            .build();
    JsonNode table =
        JSON.readTree(HTTP.send(tableRequest, HttpResponse.BodyHandlers.ofString()).body());
    assertThat(table.get("kind").asText()).isEqualTo("Table");
    assertThat(table.get("columnDefinitions").findValuesAsText("name"))
        .containsExactly("Name", "Ready", "Mode", "Matched", "Isolated", "Failed", "Reason", "Age");
    assertThat(table.at("/rows/0/cells/0").asText()).isEqualTo("p");
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> send(String method, String path, String type, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.url() + path));
    if (type != null) {
      request.header("Content-Type", type);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
