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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The calling side of a ttrpc connection: blocking unary calls, any number at a time. Streams get
 * odd, increasing ids, as ttrpc servers require. A response to a call that already timed out is
 * dropped; a response to a stream never opened closes the connection.
 */
public final class TtrpcClient implements Trunk.Endpoint {

  private final Map<Integer, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();
  private final Object sendLock = new Object();
  private Trunk trunk;
  private int connectionId;
  private long nextStreamId = 1;
  private volatile Optional<Throwable> closedBy;

  /** Calls go out on {@code connectionId} of {@code trunk}. */
  public void attach(Trunk trunk, int connectionId) {
    this.trunk = trunk;
    this.connectionId = connectionId;
    trunk.attach(connectionId, this);
  }

  /**
   * Calls {@code service/method} and waits up to {@code timeout} for the answer, which is also sent
   * as the call's deadline.
   */
  public <R extends Message> R call(
      String service, String method, Message argument, Parser<R> resultParser, Duration timeout)
      throws IOException, RpcException, TimeoutException {
    Request request =
        Request.newBuilder()
            .setService(service)
            .setMethod(method)
            .setPayload(argument.toByteString())
            .setTimeoutNano(timeout.toNanos())
            .build();
    CompletableFuture<Response> answer = new CompletableFuture<>();
    int streamId;
    // One lock over numbering and writing, so ids reach the server in increasing order.
    synchronized (sendLock) {
      checkOpen();
      if (nextStreamId > 0xffff_ffffL) {
        throw new IOException("ttrpc stream ids exhausted on this connection");
      }
      streamId = (int) nextStreamId;
      nextStreamId += 2;
      pending.put(streamId, answer);
      try {
        trunk.send(
            connectionId,
            new Ttrpc.Message(streamId, Ttrpc.TYPE_REQUEST, (byte) 0, request.toByteArray()));
      } catch (IOException | RuntimeException e) {
        pending.remove(streamId);
        throw e;
      }
    }
    Response response;
    try {
      response = answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException(service + "/" + method + " got no answer within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for " + service + "/" + method, e);
    } catch (ExecutionException e) {
      throw new IOException(service + "/" + method + " failed: connection closed", e.getCause());
    } finally {
      pending.remove(streamId);
    }
    if (response.hasStatus() && response.getStatus().getCode() != RpcStatus.OK) {
      throw new RpcException(
          response.getStatus().getCode(),
          service + "/" + method + ": " + RpcStatus.message(response.getStatus()));
    }
    try {
      return resultParser.parseFrom(response.getPayload());
    } catch (InvalidProtocolBufferException e) {
      // Like any other wire fault, it ends the connection: nothing after it is trusted.
      WireException fault =
          new WireException(Reason.MALFORMED, "undecodable answer of " + service + "/" + method, e);
      trunk.close(fault);
      throw fault;
    }
  }

  @Override
  public void received(Ttrpc.Message message) throws WireException {
    if (message.type() != Ttrpc.TYPE_RESPONSE) {
      throw new WireException(
          Reason.MALFORMED,
          "ttrpc message of type "
              + message.type()
              + " on a calling connection; NRI has no streams");
    }
    long streamId = Integer.toUnsignedLong(message.streamId());
    CompletableFuture<Response> answer = pending.get(message.streamId());
    if (answer == null) {
      synchronized (sendLock) {
        if (streamId % 2 == 1 && streamId < nextStreamId) {
          return; // an answer that came after its caller gave up
        }
      }
      throw new WireException(
          Reason.MALFORMED, "response on stream " + streamId + ", which was never opened");
    }
    try {
      answer.complete(Response.parseFrom(message.data()));
    } catch (InvalidProtocolBufferException e) {
      throw new WireException(Reason.MALFORMED, "undecodable ttrpc response envelope", e);
    }
  }

  @Override
  public void closed(Optional<Throwable> cause) {
    closedBy = cause;
    IOException failure = new IOException("connection closed", cause.orElse(null));
    pending.values().forEach(answer -> answer.completeExceptionally(failure));
  }

  private void checkOpen() throws IOException {
    Optional<Throwable> cause = closedBy;
    if (cause != null) {
      throw new IOException("connection closed", cause.orElse(null));
    }
  }
}
