package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;
import static io.pgrunbooks.activities.ActivitySupport.heartbeat;
import static io.pgrunbooks.activities.ActivitySupport.pause;

import io.pgrunbooks.activities.postgres.ConnectionFactory.NodeConnectException;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Waits on one node for a condition read over SQL: one connection reused between looks and a new one after a
 * connection error (other SQL errors fail at once), a heartbeat with the latest status after each look, and a non-retryable failure at the deadline (the
 * deadline is the config's decision: a retry would only double it).
 */
public final class NodePoll {
  private static final long RECONNECT_MILLIS = 300;

  private NodePoll() {}

  /** One look at the node over {@code c}. */
  @FunctionalInterface
  public interface Check<T> {
    Look<T> look(Connection c) throws SQLException;
  }

  /** The answer, or why there is none yet. */
  public record Look<T>(T answer, String status) {
    public static <T> Look<T> done(T answer) {
      return new Look<>(answer, null);
    }

    public static <T> Look<T> notYet(String status) {
      return new Look<>(null, status);
    }
  }

  /**
   * Looks at {@code node} every {@code pollMillis} until {@code check} answers.
   *
   * @param timeout what the failure says did not happen, e.g. "pg2 did not replay past 0/3000028"
   * @param timeoutType the failure type at the deadline
   */
  public static <T> T until(ConnectionFactory connections, String cluster, String node, String database,
                            long timeoutSeconds, long pollMillis, String timeout, String timeoutType, Check<T> check) {
    long deadline = System.nanoTime() + Math.max(1, timeoutSeconds) * 1_000_000_000L;
    String last = "not asked yet";
    while (System.nanoTime() < deadline) {
      try (Connection c = connections.open(cluster, node, database)) {
        while (System.nanoTime() < deadline) {
          Look<T> l = check.look(c);
          if (l.answer() != null) {
            return l.answer();
          }
          last = l.status();
          heartbeat(last);
          pause(pollMillis, FailureTypes.UNREACHABLE);
        }
      } catch (SQLException e) {
        if (!ConnectionFactory.lostConnection(e)) {
          // The server answered, with an error that waiting will not change (permission, syntax): fail now. Retryable
          // like every SQL error of the activities; the retry policy decides.
          throw ApplicationFailure.newFailure("waiting on " + node + ": " + firstLine(e.getMessage()),
              PostgresActivitiesImpl.SQL_ERROR);
        }
        last = firstLine(e.getMessage());
        heartbeat(last);
        pause(Math.max(pollMillis, RECONNECT_MILLIS), FailureTypes.UNREACHABLE);
      } catch (NodeConnectException e) {
        last = firstLine(e.getMessage());
        heartbeat(last);
        pause(Math.max(pollMillis, RECONNECT_MILLIS), FailureTypes.UNREACHABLE);
      }
    }
    throw ApplicationFailure.newNonRetryableFailure(timeout + " within " + timeoutSeconds + " s (" + last + ")",
        timeoutType);
  }
}
