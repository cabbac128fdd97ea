package io.pgrunbooks.client;

/**
 * A vote the run did not take: the request is not pending, or the {@code decide} update's validator
 * refused it (already decided, same approver twice, self-approval, role not allowed, unsigned).
 */
public final class DecisionRefused extends RuntimeException {
  private final boolean notPending;

  public DecisionRefused(String message, boolean notPending) {
    super(message);
    this.notPending = notPending;
  }

  /** True when the request is not (or no longer) pending on the run, rather than refused by its rules. */
  public boolean notPending() {
    return notPending;
  }
}
