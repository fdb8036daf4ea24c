package dev.cgroupns.nri.ttrpc;

/** A call ended with a non-OK status: from the peer, or thrown by a handler to choose the code. */
public final class RpcException extends Exception {

  private final int code;

  public RpcException(int code, String message) {
    super(RpcStatus.name(code) + ": " + message);
    this.code = code;
  }

  /** The gRPC status code, as in {@link RpcStatus}. */
  public int code() {
    return code;
  }
}
