package dev.cgroupns.testbed.kube.faults;

import java.time.Duration;
import java.util.Objects;

/**
 * What a programmed request gets instead of the normal answer.
 *
 * @param code the HTTP status of the error answer, or 0 when the request is performed and only its
 *     answer is late
 * @param hold how long the answer is held back; longer than the client's request timeout makes the
 *     client give up, as a real timeout does
 */
public record Fault(int code, Duration hold) {

  public Fault {
    Objects.requireNonNull(hold, "hold");
    if (hold.isNegative()) {
      throw new IllegalArgumentException("hold must not be negative: " + hold);
    }
    if (code != 0 && (code < 400 || code > 599)) {
      throw new IllegalArgumentException("an injected error is a 4xx or 5xx status: " + code);
    }
  }

  /** Answers at once with {@code code} and a Kubernetes Status body; the store is not touched. */
  public static Fault error(int code) {
    return new Fault(code, Duration.ZERO);
  }

  /** 409 Conflict, as a write with a stale resourceVersion (or a lost race) gets it. */
  public static Fault conflict() {
    return error(409);
  }

  /**
   * The request never reaches the store; after {@code hold}, a 504 Timeout is sent to a client that
   * has usually given up already.
   */
  public static Fault timeoutBeforeWrite(Duration hold) {
    return new Fault(504, hold);
  }

  /**
   * The request is performed at once, but its answer is held back for {@code hold}: the client that
   * gave up does not know its write took effect, the hardest case for a retry.
   */
  public static Fault timeoutAfterWrite(Duration hold) {
    return new Fault(0, hold);
  }

  /** Whether the request is still performed (only its answer is late). */
  public boolean performsRequest() {
    return code == 0;
  }

  /** The Kubernetes Status reason of the error answer (as a real API server names it). */
  public String reason() {
    return switch (code) {
      case 0 -> "";
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 409 -> "Conflict";
      case 410 -> "Expired";
      case 422 -> "Invalid";
      case 429 -> "TooManyRequests";
      case 500 -> "InternalError";
      case 503 -> "ServiceUnavailable";
      case 504 -> "Timeout";
      default -> code < 500 ? "BadRequest" : "InternalError";
    };
  }

  /**
   * The Status message, in the words a real API server uses where there is one.
   *
   * @param target what the request addressed, e.g. {@code pods "web-0"}
   */
  public String message(String target) {
    return switch (code) {
      case 409 ->
          "Operation cannot be fulfilled on "
              + target
              + ": the object has been modified; please apply your changes to the latest version"
              + " and try again (injected fault)";
      case 429 -> "Too many requests, please try again later (injected fault)";
      case 504 -> "Timeout: request did not complete within the allowed duration (injected fault)";
      default -> reason() + " for " + target + " (injected fault)";
    };
  }
}
