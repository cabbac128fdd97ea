package io.pgrunbooks.activities.notify;

/** A channel did not take an event; {@code retryable} for 5xx, 408, 429 and connection errors. */
final class DeliveryFailure extends Exception {
  final boolean retryable;

  DeliveryFailure(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  /** Whether an HTTP status is worth another attempt: the server's trouble or a rate limit, not a refusal. */
  static boolean retryableStatus(int status) {
    return status >= 500 || status == 408 || status == 429;
  }
}
