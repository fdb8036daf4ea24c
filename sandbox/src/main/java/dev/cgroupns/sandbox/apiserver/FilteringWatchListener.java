package dev.cgroupns.sandbox.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;

/**
 * A watch whose events pass through a field selector the store cannot evaluate (e.g. the node
 * agent's {@code spec.nodeName=NODE} on pods): the store streams every event of the collection and
 * only those whose object matches reach the client.
 *
 * <p>Known difference from a real API server: an object that stops matching is not turned into a
 * DELETED event. The selectors used here name fields that do not change after creation.
 */
final class FilteringWatchListener extends WebSocketListener {

  private final WebSocketListener delegate;
  private final FieldSelector selector;
  private final ObjectMapper json;

  FilteringWatchListener(WebSocketListener delegate, FieldSelector selector, ObjectMapper json) {
    this.delegate = delegate;
    this.selector = selector;
    this.json = json;
  }

  @Override
  public void onBeforeAccept(WebSocket webSocket, Response response) {
    delegate.onBeforeAccept(filtering(webSocket), response);
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    delegate.onOpen(filtering(webSocket), response);
  }

  @Override
  public void onMessage(WebSocket webSocket, String text) {
    delegate.onMessage(filtering(webSocket), text);
  }

  @Override
  public void onMessage(WebSocket webSocket, byte[] bytes) {
    delegate.onMessage(filtering(webSocket), bytes);
  }

  @Override
  public void onClosing(WebSocket webSocket, int code, String reason) {
    delegate.onClosing(filtering(webSocket), code, reason);
  }

  @Override
  public void onClosed(WebSocket webSocket, int code, String reason) {
    delegate.onClosed(filtering(webSocket), code, reason);
  }

  @Override
  public void onFailure(WebSocket webSocket, Throwable t, Response response) {
    delegate.onFailure(filtering(webSocket), t, response);
  }

  private WebSocket filtering(WebSocket socket) {
    return socket instanceof Filtering ? socket : new Filtering(socket);
  }

  private final class Filtering implements WebSocket {
    private final WebSocket socket;

    Filtering(WebSocket socket) {
      this.socket = socket;
    }

    @Override
    public RecordedRequest request() {
      return socket.request();
    }

    @Override
    public boolean send(String text) {
      return passes(text) ? socket.send(text) : true;
    }

    @Override
    public boolean send(byte[] bytes) {
      return passes(new String(bytes, java.nio.charset.StandardCharsets.UTF_8))
          ? socket.send(bytes)
          : true;
    }

    @Override
    public boolean close(int code, String reason) {
      return socket.close(code, reason);
    }

    private boolean passes(String event) {
      try {
        JsonNode object = json.readTree(event).get("object");
        // Status frames (errors) and anything without an object go through untouched.
        return object == null || !object.has("metadata") || selector.matches(object);
      } catch (IOException e) {
        return true;
      }
    }
  }
}
