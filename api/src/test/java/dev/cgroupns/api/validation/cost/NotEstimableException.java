package dev.cgroupns.api.validation.cost;

/**
 * A rule, or the schema it is declared on, uses something this estimator does not model. Thrown
 * instead of guessing, so that no rule passes the budget check unestimated.
 */
final class NotEstimableException extends RuntimeException {
  NotEstimableException(String message) {
    super(message);
  }
}
