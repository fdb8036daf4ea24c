package dev.cgroupns.nri.ttrpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.cgroupns.nri.ttrpc.proto.Request;
import dev.cgroupns.nri.ttrpc.proto.Response;
import dev.cgroupns.nri.wire.Ttrpc;
import dev.cgroupns.nri.wire.WireException;
import dev.cgroupns.nri.wire.WireException.Reason;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * The serving side of a ttrpc connection: unary calls only (NRI has no streaming call). Calls run
 * on an executor, so a slow handler never stalls the reader or the other calls. A broken envelope
 * closes the connection; an unknown method or an undecodable argument is answered with an error.
 */
public final class TtrpcServer implements Trunk.Endpoint {

  /** One unary method; {@code timeout} is the caller's deadline, empty if it sent none. */
  public interface Handler<Q extends Message, R extends Message> {
    R handle(Q request, Optional<Duration> timeout) throws Exception;
  }

  private record Method(Parser<? extends Message> parser, Handler<Message, Message> handler) {}

  private final Map<String, Method> methods = new ConcurrentHashMap<>();
  private final ExecutorService executor;
  private Trunk trunk;
  private int connectionId;
  private long lastStreamId;

  /** Calls run on {@code executor}; a call it rejects is answered ResourceExhausted. */
  public TtrpcServer(ExecutorService executor) {
    this.executor = executor;
  }

  @SuppressWarnings("unchecked")
  public <Q extends Message, R extends Message> TtrpcServer register(
      String service, String method, Parser<Q> parser, Handler<Q, R> handler) {
    methods.put(service + "/" + method, new Method(parser, (Handler<Message, Message>) handler));
    return this;
  }

  /** Serves {@code connectionId} of {@code trunk}. */
  public void attach(Trunk trunk, int connectionId) {
    this.trunk = trunk;
    this.connectionId = connectionId;
    trunk.attach(connectionId, this);
  }

  @Override
  public void received(Ttrpc.Message message) throws WireException {
    if (message.type() != Ttrpc.TYPE_REQUEST) {
      throw new WireException(
          Reason.MALFORMED,
          "ttrpc message of type "
              + message.type()
              + " on a serving connection; NRI has no streams");
    }
    long streamId = Integer.toUnsignedLong(message.streamId());
    if (streamId % 2 != 1 || streamId <= lastStreamId) {
      throw new WireException(
          Reason.MALFORMED,
          "request stream id "
              + streamId
              + " is not odd and above the last ("
              + lastStreamId
              + ")");
    }
    lastStreamId = streamId;
    Request request;
    try {
      request = Request.parseFrom(message.data());
    } catch (InvalidProtocolBufferException e) {
      throw new WireException(Reason.MALFORMED, "undecodable ttrpc request envelope", e);
    }
    try {
      executor.execute(() -> answer(message.streamId(), request));
    } catch (RejectedExecutionException e) {
      respond(message.streamId(), error(RpcStatus.RESOURCE_EXHAUSTED, "too many calls in flight"));
    }
  }

  @Override
  public void closed(Optional<Throwable> cause) {
    // Calls in flight notice when their answer cannot be written.
  }

  private void answer(int streamId, Request request) {
    respond(streamId, call(request));
  }

  private Response call(Request request) {
    Method method = methods.get(request.getService() + "/" + request.getMethod());
    if (method == null) {
      return error(
          RpcStatus.UNIMPLEMENTED, "method " + request.getService() + "/" + request.getMethod());
    }
    Message argument;
    try {
      argument = method.parser().parseFrom(request.getPayload());
    } catch (InvalidProtocolBufferException e) {
      return error(RpcStatus.INVALID_ARGUMENT, "undecodable argument: " + e.getMessage());
    }
    Optional<Duration> timeout =
        request.getTimeoutNano() > 0
            ? Optional.of(Duration.ofNanos(request.getTimeoutNano()))
            : Optional.empty();
    try {
      Message result = method.handler().handle(argument, timeout);
      return Response.newBuilder()
          .setStatus(RpcStatus.of(RpcStatus.OK, ""))
          .setPayload(result.toByteString())
          .build();
    } catch (RpcException e) {
      return error(e.code(), e.getMessage());
    } catch (Exception | LinkageError | AssertionError e) {
      return error(RpcStatus.UNKNOWN, String.valueOf(e));
    }
  }

  private void respond(int streamId, Response response) {
    byte[] data = response.toByteArray();
    if (data.length > Ttrpc.MAX_MESSAGE_LENGTH) {
      data = error(RpcStatus.RESOURCE_EXHAUSTED, "answer over 4 MiB").toByteArray();
    }
    try {
      trunk.send(connectionId, new Ttrpc.Message(streamId, Ttrpc.TYPE_RESPONSE, (byte) 0, data));
    } catch (IOException e) {
      // The trunk closed itself with this cause; nothing is left to answer on.
    }
  }

  private static Response error(int code, String message) {
    return Response.newBuilder().setStatus(RpcStatus.of(code, message)).build();
  }
}
