package io.pgrunbooks.activities.patroni;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.ConnectionFactory.NodeConnectException;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.workflows.activities.PatroniActivities.SwitchoverWatch;
import io.pgrunbooks.workflows.activities.PatroniActivities.SwitchoverWatchInput;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.failover.PatroniSwitchoverChecks;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /switchover} without waiting for Patroni's answer, which comes only on its next one-second poll of the
 * DCS after the switch: meanwhile the candidate alone is polled, cheaply ({@code GET /primary} on its REST API, then
 * one {@code pg_is_in_recovery()}), so PgBouncer can resume as soon as the candidate leads.
 */
final class PatroniSwitchoverWatch {
  static final long POLL_MILLIS = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final ClusterConfig cluster;
  private final PatroniRestClient rest;
  private final ConnectionFactory connections;

  PatroniSwitchoverWatch(String name, ClusterConfig cluster, PatroniRestClient rest, ConnectionFactory connections) {
    this.name = name;
    this.cluster = cluster;
    this.rest = rest;
    this.connections = connections;
  }

  SwitchoverWatch watch(SwitchoverWatchInput in) {
    Lookups.node(cluster, name, in.leader());
    Lookups.node(cluster, name, in.candidate());
    String body = JSON.createObjectNode().put("leader", in.leaderMember()).put("candidate", in.candidateMember())
        .toString();
    long start = System.nanoTime();
    long deadline = start + in.timeoutSeconds() * 1_000_000_000L;
    CompletableFuture<PatroniRestClient.Answer> post = rest.postAsync(in.leader(), "/switchover", body);
    while (true) {
      // A refusal comes within milliseconds: wait for it before looking at the candidate, then between polls.
      waitForAnswer(post);
      PatroniRestClient.Answer answer = answerSoFar(post, in.leader());
      int status = answer == null ? 0 : answer.status();
      String text = answer == null ? "" : answer.body() == null ? "" : answer.body().strip();
      PatroniSwitchoverChecks.Answer meaning = PatroniSwitchoverChecks.answer(status);
      if (answer != null && (meaning == PatroniSwitchoverChecks.Answer.REFUSED
          || meaning == PatroniSwitchoverChecks.Answer.CREDENTIALS)) {
        return new SwitchoverWatch(status, text, false, "Patroni answered HTTP " + status, millisSince(start));
      }
      String seen = candidate(in.candidate());
      if (seen == null) {
        return new SwitchoverWatch(status, text, true, in.candidateMember() + " answers GET /primary with 200, its"
            + " PostgreSQL is out of recovery" + (answer == null ? " (before Patroni's answer to the POST)" : ""),
            millisSince(start));
      }
      if (System.nanoTime() > deadline) {
        return new SwitchoverWatch(status, text, false, seen, millisSince(start));
      }
      ActivitySupport.heartbeat(seen);
    }
  }

  /** Up to {@link #POLL_MILLIS}: returns early when Patroni's answer comes; sleeps the full time once it came. */
  private static void waitForAnswer(CompletableFuture<PatroniRestClient.Answer> post) {
    if (post.isDone()) {
      ActivitySupport.pause(POLL_MILLIS, FailureTypes.UNREACHABLE);
      return;
    }
    try {
      post.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // still outstanding, or failed: answerSoFar says which
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while waiting", FailureTypes.UNREACHABLE);
    }
  }

  /** Null while the candidate leads out of recovery, else what was seen instead. */
  private String candidate(String node) {
    try {
      PatroniRestClient.Answer a = rest.get(node, "/primary");
      if (a.status() != 200) {
        return node + "'s Patroni answers GET /primary with " + a.status() + " (not the leader yet)";
      }
    } catch (IOException | IllegalArgumentException e) {
      return "GET /primary on " + node + ": " + firstLine(e.getMessage());
    }
    try (Connection c = connections.open(name, node, "postgres"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      return rs.getBoolean(1) ? node + " holds the leader lock, its PostgreSQL still in recovery" : null;
    } catch (NodeConnectException | SQLException e) {
      return node + " holds the leader lock, its PostgreSQL does not answer: " + firstLine(e.getMessage());
    }
  }

  /** Patroni's answer once it came, status -1 when the request failed; null while it is outstanding. */
  private static PatroniRestClient.Answer answerSoFar(CompletableFuture<PatroniRestClient.Answer> post, String node) {
    if (!post.isDone()) {
      return null;
    }
    try {
      return post.get();
    } catch (ExecutionException e) {
      return new PatroniRestClient.Answer(-1, "no answer from Patroni of " + node + ": "
          + firstLine(e.getCause().getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new PatroniRestClient.Answer(-1, "interrupted while asking Patroni of " + node);
    }
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
