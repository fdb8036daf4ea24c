package dev.cgroupns.testbed.kube.faults;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.time.Duration;
import java.util.Objects;

/**
 * What a programmed request gets instead of the normal answer. Made with the factory methods.
 *
 * @param kind what happens to the request
 * @param code the HTTP status of the error answer ({@link Kind#ERROR}) or of the Status in the
 *     watch event ({@link Kind#EXPIRED_WATCH}); 0 for the kinds that forward the request
 * @param hold how long the answer is held back; longer than the client's request timeout makes the
 *     client give up, as a real timeout does
 * @param afterEvents for {@link Kind#DROPPED_WATCH}: how many events pass before the cut; 0
 *     otherwise
 */
public record Fault(Kind kind, int code, Duration hold, int afterEvents) {

  /** What happens to a request that gets the fault. */
  public enum Kind {
    /** Answered with an error status (maybe after a hold); the request is not performed. */
    ERROR,
    /** Performed at once; its answer is held back. */
    LATE_ANSWER,
    /** A watch, forwarded; its connection ends after some events. */
    DROPPED_WATCH,
    /** A watch answered, without forwarding, as for a resourceVersion too old to watch from. */
    EXPIRED_WATCH
  }

  public Fault {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(hold, "hold");
    if (hold.isNegative()) {
      throw new IllegalArgumentException("hold must not be negative: " + hold);
    }
    if (kind == Kind.ERROR ? code < 400 || code > 599 : code != ownCode(kind)) {
      throw new IllegalArgumentException(
          kind == Kind.ERROR
              ? "an injected error is a 4xx or 5xx status: " + code
              : kind + " has status code " + ownCode(kind) + ", not " + code);
    }
    boolean watchFault = kind == Kind.DROPPED_WATCH || kind == Kind.EXPIRED_WATCH;
    if (watchFault && !hold.isZero()) {
      throw new IllegalArgumentException(kind + " is not held: " + hold);
    }
    if (kind == Kind.DROPPED_WATCH ? afterEvents < 0 : afterEvents != 0) {
      throw new IllegalArgumentException(
          "only a dropped watch lets events pass, never fewer than 0: "
              + kind
              + ", "
              + afterEvents);
    }
  }

  private static int ownCode(Kind kind) {
    return kind == Kind.EXPIRED_WATCH ? 410 : 0;
  }

  /** Answers at once with {@code code} and a Kubernetes Status body; the store is not touched. */
  public static Fault error(int code) {
    return new Fault(Kind.ERROR, code, Duration.ZERO, 0);
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
    return new Fault(Kind.ERROR, 504, hold, 0);
  }

  /**
   * The request is performed at once, but its answer is held back for {@code hold}: the client that
   * gave up does not know its write took effect, the hardest case for a retry.
   */
  public static Fault timeoutAfterWrite(Duration hold) {
    return new Fault(Kind.LATE_ANSWER, 0, hold, 0);
  }

  /**
   * A watch whose connection ends after {@code events} events (bookmarks not counted), at once for
   * 0, as when the API server or a load balancer in between closes it. A client must watch again
   * from the last resourceVersion it saw. Only watch requests match.
   */
  public static Fault dropWatch(int events) {
    return new Fault(Kind.DROPPED_WATCH, 0, Duration.ZERO, events);
  }

  /**
   * A watch answered the way kube-apiserver answers one from a resourceVersion it no longer has: an
   * ERROR event with a 410 Expired Status, then the end of the stream. A client must list again.
   * Only watch requests match. ({@link #error error(410)} is the other form, a plain 410 answer.)
   */
  public static Fault watchExpired() {
    return new Fault(Kind.EXPIRED_WATCH, 410, Duration.ZERO, 0);
  }

  /** Whether the request is still forwarded to the store (only its answer is late or cut). */
  public boolean performsRequest() {
    return kind == Kind.LATE_ANSWER || kind == Kind.DROPPED_WATCH;
  }

  /** Whether only watch requests ({@code ?watch=true}) can get this fault. */
  public boolean onlyForWatches() {
    return kind == Kind.DROPPED_WATCH || kind == Kind.EXPIRED_WATCH;
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

  /**
   * The Status a real API server would send for this request, the body of an error answer (or the
   * object of an expired watch's ERROR event).
   *
   * @param method the request's HTTP method
   * @param requestPath the request's path, with or without its query
   */
  public Status status(String method, String requestPath) {
    RequestTarget target = RequestTarget.of(method, requestPath);
    String message =
        kind == Kind.EXPIRED_WATCH
            ? "too old resource version: " + target.resourceVersion() + " (injected fault)"
            : message(target.description());
    return failure(code, reason(), message);
  }

  /** A failure Status as the API server writes them. */
  static Status failure(int code, String reason, String message) {
    return new StatusBuilder()
        .withNewMetadata()
        .endMetadata()
        .withStatus("Failure")
        .withCode(code)
        .withReason(reason)
        .withMessage(message)
        .build();
  }
}
