package dev.cgroupns.nri.wire;

import java.io.IOException;

/**
 * The peer sent bytes that are not a valid NRI multiplexer or ttrpc stream. The connection that
 * carried them is closed; nothing read after the fault is trusted.
 */
public final class WireException extends IOException {

  /** What was wrong, for callers that report or count faults. */
  public enum Reason {
    /** A length field above the protocol's maximum. */
    OVERSIZED,
    /** A multiplexer frame for a connection id nobody serves (or the reserved id 0). */
    UNKNOWN_CONNECTION,
    /** The stream ended inside a frame or a message. */
    TRUNCATED,
    /** A field with a value the protocol does not allow, or an undecodable message. */
    MALFORMED
  }

  private final Reason reason;

  public WireException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public WireException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
