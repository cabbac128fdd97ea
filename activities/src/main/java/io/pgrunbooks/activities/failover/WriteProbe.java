package io.pgrunbooks.activities.failover;

import io.pgrunbooks.activities.pgbouncer.BouncerConnections;
import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.workflows.activities.FailoverActivities.ProbeError;
import io.pgrunbooks.workflows.activities.FailoverActivities.ProbeInput;
import io.pgrunbooks.workflows.activities.FailoverActivities.ProbeReport;
import io.pgrunbooks.workflows.common.FailureTypes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one row through PgBouncer every interval, as an application would, and keeps what it saw: each
 * acknowledged sequence number, each error with its time, the first error and the next success after it, and the
 * longest stall between two acknowledgements (a PAUSE shows as a stall, not an error).
 */
final class WriteProbe {
  private static final int MAX_ERRORS_KEPT = 50;

  private final BouncerConnections bouncer;
  private final ProbeInput input;
  private final DrillRows rows;
  private final long seqBase;

  WriteProbe(BouncerConnections bouncer, ProbeInput input, int attempt) {
    this.bouncer = bouncer;
    this.input = input;
    this.rows = new DrillRows(input.table());
    // A retried attempt must not collide with rows an earlier attempt committed.
    this.seqBase = (long) (attempt - 1) * 1_000_000L;
  }

  ProbeReport run() {
    long deadline = System.nanoTime() + input.maxSeconds() * 1_000_000_000L;
    List<Long> acked = new ArrayList<>();
    List<ProbeError> errors = new ArrayList<>();
    int errorCount = 0;
    int attempts = 0;
    Instant firstError = null;
    Instant recovered = null;
    long lastAckNanos = -1;
    long longestStall = 0;
    String stoppedBy = "maxSeconds " + input.maxSeconds();
    Connection conn = null;
    PreparedStatement ps = null;
    try {
      while (System.nanoTime() < deadline) {
        long tickStart = System.nanoTime();
        long seq = seqBase + attempts + 1;
        attempts++;
        try {
          if (conn == null) {
            conn = bouncer.open(input.table().cluster(), input.table().database(), 30);
            rows.create(conn);
            ps = rows.probeStatement(conn);
          }
          boolean stop = rows.probe(ps, seq);
          long now = System.nanoTime();
          acked.add(seq);
          if (lastAckNanos > 0) {
            longestStall = Math.max(longestStall, (now - lastAckNanos) / 1_000_000);
          }
          lastAckNanos = now;
          if (firstError != null && recovered == null) {
            recovered = Instant.now();
          }
          if (stop) {
            stoppedBy = "stop row";
            break;
          }
        } catch (SQLException e) {
          errorCount++;
          Instant at = Instant.now();
          if (firstError == null) {
            firstError = at;
          }
          if (errors.size() < MAX_ERRORS_KEPT) {
            errors.add(new ProbeError(at, ActivitySupport.firstLine(e.getMessage())));
          }
          close(conn);
          conn = null;
          ps = null;
        }
        ActivitySupport.heartbeat(attempts);
        long spent = (System.nanoTime() - tickStart) / 1_000_000;
        if (spent < input.intervalMillis()) {
          ActivitySupport.pause(input.intervalMillis() - spent, FailureTypes.UNREACHABLE);
        }
      }
    } finally {
      close(conn);
    }
    long errorWindow = firstError == null ? 0 : (recovered == null ? Instant.now() : recovered).toEpochMilli()
        - firstError.toEpochMilli();
    long stall = Math.max(0, longestStall - input.intervalMillis());
    return new ProbeReport(attempts, acked, errorCount, errors, firstError, recovered, longestStall,
        Math.max(errorWindow, stall), stoppedBy);
  }

  private static void close(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // a broken connection
      }
    }
  }
}
