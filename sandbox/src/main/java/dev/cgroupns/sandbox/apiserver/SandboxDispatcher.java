package dev.cgroupns.sandbox.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cgroupns.testbed.kube.faults.Fault;
import dev.cgroupns.testbed.kube.faults.FaultRule;
import dev.cgroupns.testbed.kube.faults.FaultRules;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts what kubectl and field-selecting clients need in front of the mock server's CRUD store:
 * discovery and OpenAPI documents, server-side tables, real list kinds, field selectors on any
 * field, CRD status (Established), answers the store gets wrong (status patches with a query,
 * finalizer release) and clear refusals of what it cannot do (dry run, strategic merge and apply
 * patches, HTTP watches). Everything else goes to the store unchanged.
 *
 * <p>Tests may program faults ({@link FaultRules}): a matching request is then answered with an
 * error, or late. With no rule set, no request is affected. Watch faults (dropped, expired) are
 * refused: they are the testbed's fault proxy's, in front of a real API server.
 */
public final class SandboxDispatcher extends Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxDispatcher.class);
  private static final String CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

  /** The only field selectors the store itself understands. */
  private static final Set<String> STORE_FIELDS = Set.of("metadata.name", "metadata.namespace");

  private final Dispatcher store;
  private final ObjectMapper json;
  private final ApiCatalog catalog;
  private final DiscoveryDocuments discovery;
  private final OpenApiDocuments openApi;
  private final TableConverter tables;
  private final FaultRules faults;

  public SandboxDispatcher(Dispatcher store, ObjectMapper json, Clock clock) {
    this(store, json, clock, new FaultRules());
  }

  public SandboxDispatcher(Dispatcher store, ObjectMapper json, Clock clock, FaultRules faults) {
    this.store = store;
    this.faults = faults;
    this.json = json;
    this.catalog = new ApiCatalog(BuiltInResources.all(), this::storedCrds);
    this.discovery = new DiscoveryDocuments(json, catalog);
    this.openApi = new OpenApiDocuments(json, catalog);
    this.tables = new TableConverter(json, clock);
  }

  public ApiCatalog catalog() {
    return catalog;
  }

  public FaultRules faults() {
    return faults;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Optional<Fault> fault =
        faults
            .take(request.getMethod(), request.getPath(), request::getHeader)
            .map(FaultRule::fault);
    if (fault.isPresent() && fault.get().onlyForWatches()) {
      // Refused loudly: ignoring it would leave a test waiting for a cut that never comes.
      return status(
          500,
          "InternalError",
          "the embedded endpoint injects no watch faults ("
              + fault.get().kind()
              + "); the testbed's FaultProxy does");
    }
    if (fault.isPresent() && !fault.get().performsRequest()) {
      return injected(request, fault.get());
    }
    MockResponse response;
    try {
      response = route(request);
    } catch (RuntimeException | IOException e) {
      LOG.warn("{} {} failed", request.getMethod(), request.getPath(), e);
      response = status(500, "InternalError", e.toString());
    }
    if (fault.isPresent() && !fault.get().hold().isZero()) {
      // Performed, but answered late: the client may give up and retry a write that took effect.
      response.setBodyDelay(fault.get().hold());
    }
    return response;
  }

  /** An injected error answer, with a Status body as a real server sends it, maybe held back. */
  private MockResponse injected(RecordedRequest request, Fault fault) {
    MockResponse response =
        jsonResponse(
            fault.code(), json.valueToTree(fault.status(request.getMethod(), request.getPath())));
    if (!fault.hold().isZero()) {
      response.setBodyDelay(fault.hold());
    }
    return response;
  }

  private MockResponse route(RecordedRequest request) throws IOException {
    RequestPath path = RequestPath.parse(request.getPath());
    boolean get = request.method() == HttpMethod.GET;
    if (get) {
      MockResponse discoveryDocument = discovery(path);
      if (discoveryDocument != null) {
        return discoveryDocument;
      }
    }
    if (!path.isResource()) {
      return store.dispatch(request);
    }
    if (!get) {
      return write(request, path);
    }
    FieldSelector extraFields = extraFieldSelector(path);
    RecordedRequest forStore =
        extraFields == null
            ? request
            : withPath(
                request, RequestPath.withoutQueryParameter(request.getPath(), "fieldSelector"));
    if (path.isWatch()) {
      return watch(request, forStore, extraFields);
    }
    return read(request, path, forStore, extraFields);
  }

  /** A WebSocket watch, its events filtered by the field selector the store cannot evaluate. */
  private MockResponse watch(
      RecordedRequest request, RecordedRequest forStore, FieldSelector extraFields) {
    if (!isWebSocket(request)) {
      return expiredWatch();
    }
    MockResponse watch = store.dispatch(forStore);
    WebSocketListener listener = watch.getWebSocketListener();
    if (extraFields != null && listener != null) {
      watch.withWebSocketUpgrade(new FilteringWatchListener(listener, extraFields, json));
    }
    return watch;
  }

  /** A get or list: real list kinds, field selection, and a table when asked for one. */
  private MockResponse read(
      RecordedRequest request,
      RequestPath path,
      RecordedRequest forStore,
      FieldSelector extraFields)
      throws IOException {
    MockResponse response = store.dispatch(forStore);
    if (response.code() != 200) {
      return response;
    }
    Optional<ApiResource> resource = catalog.find(path.group(), path.version(), path.plural());
    JsonNode answer = json.readTree(response.getBody().readUtf8());
    if (answer.has("items") && resource.isPresent()) {
      // The store calls every list "List"; typed clients (kubectl describe's Event lookup) need
      // the real list kind to decode it.
      ((ObjectNode) answer)
          .put("kind", resource.get().kind() + "List")
          .put("apiVersion", resource.get().groupVersion());
    }
    if (extraFields != null && answer.has("items")) {
      ArrayNode kept = json.createArrayNode();
      for (JsonNode item : answer.get("items")) {
        if (extraFields.matches(item)) {
          kept.add(item);
        }
      }
      ((ObjectNode) answer).set("items", kept);
    }
    if (wantsTable(request) && resource.isPresent() && path.subresource() == null) {
      answer =
          tables.toTable(
              answer,
              resource.get().columns(),
              TableConverter.IncludeObject.fromQuery(path.query().get("includeObject")));
    }
    return jsonResponse(200, answer);
  }

  /**
   * Writes go to the store without their query: it ignores fieldManager and fieldValidation anyway,
   * and it recognises a status-subresource request only when the path ends in "/status" (kubectl's
   * {@code ?fieldManager=kubectl-patch} made it treat a status patch as a main-resource patch and
   * drop the status). A dry run is refused: the store would perform it for real.
   */
  private MockResponse write(RecordedRequest request, RequestPath path) throws IOException {
    if (path.query().containsKey("dryRun")) {
      return status(
          400, "BadRequest", "the sandbox's embedded API endpoint does not support dry runs");
    }
    int q = request.getPath().indexOf('?');
    RecordedRequest forStore =
        q < 0 ? request : withPath(request, request.getPath().substring(0, q));
    String contentType = String.valueOf(request.getHeader("Content-Type"));
    if (request.method() == HttpMethod.PATCH
        && (contentType.contains("strategic-merge-patch") || contentType.contains("apply-patch"))) {
      return status(
          415,
          "UnsupportedMediaType",
          "the sandbox's embedded API endpoint supports JSON patch and JSON merge patch only"
              + " (kubectl patch --type=merge; kubectl apply without --server-side; built-in kinds:"
              + " kubectl replace or delete and apply)");
    }
    if ((request.method() == HttpMethod.POST || request.method() == HttpMethod.PUT)
        && forStore.getPath().startsWith(CRD_PATH)) {
      forStore = withBody(forStore, CrdStatus.established(json, body(forStore)));
    }
    boolean update = request.method() == HttpMethod.PATCH || request.method() == HttpMethod.PUT;
    MockResponse before =
        update && path.name() != null ? store.dispatch(get(forStore.getPath())) : null;
    MockResponse response = store.dispatch(forStore);
    if (before != null && before.code() == 200 && response.code() / 100 == 2) {
      String body = response.getBody() == null ? "" : response.getBody().readUtf8();
      if (body.isBlank()) {
        // The store deleted the object because this write removed its last finalizer, and
        // answers with no body; a real server answers with the object, finalizers gone.
        ObjectNode last = (ObjectNode) json.readTree(before.getBody().readUtf8());
        ((ObjectNode) last.path("metadata")).remove("finalizers");
        return jsonResponse(200, last);
      }
      return jsonResponse(response.code(), json.readTree(body));
    }
    return response;
  }

  /**
   * The store streams watches over WebSocket only (as fabric8 clients use them). An HTTP watch
   * (kubectl's) is answered, after a pause, with 410 Expired, as a real server answers a watch from
   * a too old resourceVersion: informers (kubectl wait, kubectl delete waiting for finalizers) then
   * list again, so they poll once a second instead of failing.
   */
  private MockResponse expiredWatch() {
    return status(
            410,
            "Expired",
            "the sandbox's embedded API endpoint streams watches over WebSocket only; list again")
        .setBodyDelay(java.time.Duration.ofSeconds(1));
  }

  private static boolean isWebSocket(RecordedRequest request) {
    String upgrade = request.getHeader("Upgrade");
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  private static RecordedRequest get(String path) {
    return new RecordedRequest("HTTP/1.1", HttpMethod.GET, path, emptyHeaders(), new Buffer());
  }

  private MockResponse discovery(RequestPath path) {
    List<String> s = path.segments();
    if (s.equals(List.of("version"))) {
      return jsonResponse(200, discovery.version());
    }
    if (!s.isEmpty() && s.get(0).equals("openapi")) {
      return openApi(s);
    }
    if (s.equals(List.of("api"))) {
      return jsonResponse(200, discovery.coreVersions());
    }
    if (s.equals(List.of("apis"))) {
      return jsonResponse(200, discovery.groupList());
    }
    boolean coreVersion = s.size() == 2 && s.get(0).equals("api");
    boolean groupVersion = s.size() == 3 && s.get(0).equals("apis");
    if (coreVersion || groupVersion) {
      ObjectNode list = discovery.resourceList(path.group(), path.version());
      return list != null
          ? jsonResponse(200, list)
          : status(404, "NotFound", "no such API version");
    }
    if (s.size() == 2 && s.get(0).equals("apis")) {
      Set<String> versions = catalog.groups().get(s.get(1));
      return versions != null
          ? jsonResponse(200, discovery.group(s.get(1), versions))
          : status(404, "NotFound", "no such API group");
    }
    return null;
  }

  /**
   * OpenAPI v3 only; v2 answers 404 so that kubectl's fallbacks (client-side validation, strategic
   * merge from the v2 schema) are skipped rather than fed a document it cannot parse.
   */
  private MockResponse openApi(List<String> s) {
    if (s.equals(List.of("openapi", "v3"))) {
      return jsonResponse(200, openApi.root());
    }
    ObjectNode doc = null;
    if (s.size() == 4 && s.get(1).equals("v3") && s.get(2).equals("api")) {
      doc = openApi.groupVersion("", s.get(3));
    } else if (s.size() == 5 && s.get(1).equals("v3") && s.get(2).equals("apis")) {
      doc = openApi.groupVersion(s.get(3), s.get(4));
    }
    return doc != null
        ? jsonResponse(200, doc)
        : status(404, "NotFound", "the server could not find the requested resource");
  }

  /** The part of a field selector the store cannot evaluate, or null when it can do it all. */
  private static FieldSelector extraFieldSelector(RequestPath path) {
    String selector = path.query().get("fieldSelector");
    if (selector == null || selector.isBlank()) {
      return null;
    }
    FieldSelector parsed = FieldSelector.parse(selector);
    boolean storeCanDoIt =
        parsed.fields().stream().allMatch(STORE_FIELDS::contains) && !path.isWatch();
    return storeCanDoIt || parsed.isEmpty() ? null : parsed;
  }

  private static boolean wantsTable(RecordedRequest request) {
    String accept = request.getHeader("Accept");
    return accept != null && accept.contains("as=Table");
  }

  private List<JsonNode> storedCrds() {
    MockResponse response =
        store.dispatch(
            new RecordedRequest(
                "HTTP/1.1", HttpMethod.GET, CRD_PATH, emptyHeaders(), new Buffer()));
    List<JsonNode> crds = new ArrayList<>();
    try {
      json.readTree(response.getBody().readUtf8()).path("items").forEach(crds::add);
    } catch (IOException e) {
      LOG.warn("could not read the stored CRDs", e);
    }
    return crds;
  }

  private static io.fabric8.mockwebserver.http.Headers emptyHeaders() {
    return io.fabric8.mockwebserver.http.Headers.builder().build();
  }

  private JsonNode body(RecordedRequest request) throws IOException {
    return json.readTree(request.getUtf8Body());
  }

  private static RecordedRequest withPath(RecordedRequest r, String path) {
    return new RecordedRequest(r.getHttpVersion(), r.method(), path, r.getHeaders(), r.getBody());
  }

  private RecordedRequest withBody(RecordedRequest r, JsonNode body) throws IOException {
    return new RecordedRequest(
        r.getHttpVersion(),
        r.method(),
        r.getPath(),
        r.getHeaders(),
        new Buffer(json.writeValueAsBytes(body)));
  }

  private MockResponse jsonResponse(int code, JsonNode body) {
    try {
      return new MockResponse()
          .setResponseCode(code)
          .setHeader("Content-Type", "application/json")
          .setBody(json.writeValueAsString(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private MockResponse status(int code, String reason, String message) {
    ObjectNode status =
        json.createObjectNode()
            .put("kind", "Status")
            .put("apiVersion", "v1")
            .put("status", "Failure")
            .put("message", message)
            .put("reason", reason)
            .put("code", code);
    status.putObject("metadata");
    return jsonResponse(code, status);
  }
}
