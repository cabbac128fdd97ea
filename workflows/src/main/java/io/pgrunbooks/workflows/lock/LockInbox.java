package io.pgrunbooks.workflows.lock;

import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Workflow-side mailbox of {@link LockResponse}s, filled by the {@code lockResponse} signal handler. */
public final class LockInbox {
  private final Map<String, LockResponse> responses = new HashMap<>();

  public void deliver(LockResponse response) {
    responses.put(response.lockId(), response);
  }

  /** Waits (workflow time) for the answer to request {@code lockId}; empty when none came in time. */
  public Optional<LockResponse> await(String lockId, Duration timeout) {
    boolean answered = Workflow.await(timeout, () -> responses.containsKey(lockId));
    return answered ? Optional.of(responses.remove(lockId)) : Optional.empty();
  }
}
