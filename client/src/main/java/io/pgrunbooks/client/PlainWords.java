package io.pgrunbooks.client;

import io.grpc.StatusRuntimeException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.failure.TimeoutFailure;

/** Failures said in plain words: the reason a person can act on, not the SDK's wrapper chain. */
public final class PlainWords {
  private PlainWords() {}

  /**
   * Why a run (or an update) failed: the innermost application failure's own message, prefixed by
   * the step (activity) or child run it came from; or what ended the run otherwise.
   */
  public static String failure(Throwable t) {
    String where = null;
    String why = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ActivityFailure a && where == null) {
        where = "step " + a.getActivityType();
      } else if (c instanceof ChildWorkflowFailure cw && where == null) {
        where = "child run " + cw.getExecution().getWorkflowId();
      } else if (c instanceof ApplicationFailure af) {
        why = af.getOriginalMessage();
      } else if (c instanceof TimeoutFailure tf) {
        why = "timed out (" + timeoutName(tf) + ")";
      } else if (c instanceof TerminatedFailure tf) {
        why = "the run was terminated" + reason(tf);
      } else if (c instanceof CanceledFailure) {
        why = "the run was canceled";
      } else if (why == null && c instanceof TemporalFailure tf) {
        why = tf.getOriginalMessage();
      }
    }
    if (why == null || why.isBlank()) {
      why = t.getMessage();
    }
    return where == null ? why : where + " failed: " + why;
  }

  /** The gRPC status in the cause chain, in words, or the message. */
  public static String grpc(Throwable t) {
    StatusRuntimeException s = status(t);
    if (s != null) {
      String d = s.getStatus().getDescription();
      return s.getStatus().getCode() + (d == null ? "" : ": " + d);
    }
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  public static StatusRuntimeException status(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException s) {
        return s;
      }
    }
    return null;
  }

  private static String timeoutName(TimeoutFailure tf) {
    return tf.getTimeoutType().name().replace("TIMEOUT_TYPE_", "").toLowerCase().replace('_', ' ');
  }

  private static String reason(TerminatedFailure tf) {
    String m = tf.getOriginalMessage();
    return m == null || m.isBlank() ? "" : ": " + m;
  }
}
