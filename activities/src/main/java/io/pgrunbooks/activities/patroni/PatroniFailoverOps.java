package io.pgrunbooks.activities.patroni;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.patroni.PatroniStatus.ClusterStatus;
import io.pgrunbooks.activities.patroni.PatroniStatus.MemberStatus;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.ConnectionFactory.NodeConnectException;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.workflows.activities.PatroniActivities.LeaderWait;
import io.pgrunbooks.workflows.activities.PatroniActivities.NodeView;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFacts;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniMember;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniView;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The I/O of the unplanned-failover steps of {@link PatroniActivitiesImpl}: views, leader wait, POST /failover. */
final class PatroniFailoverOps {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long POLL_MILLIS = 500;
  /**
   * The timeline a node is on now: a writable node's current WAL file names it (pg_control's checkpoint and Patroni's
   * /cluster still say the old one for a while after a promotion), a replica's WAL receiver or else its checkpoint.
   */
  private static final String TIMELINE = "CASE WHEN pg_is_in_recovery() THEN COALESCE((SELECT received_tli FROM "
      + "pg_stat_wal_receiver), (SELECT timeline_id FROM pg_control_checkpoint())) "
      + "ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END";
  private static final String VIEW_SQL = "SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() THEN "
      + "COALESCE(pg_wal_lsn_diff(COALESCE(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), '0/0')::bigint, -1) "
      + "ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint END, "
      + TIMELINE + ", "
      + "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()), "
      + "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() "
      + "AND backend_xid IS NOT NULL)";

  private final String name;
  private final ClusterConfig cluster;
  private final PatroniRestClient rest;
  private final ConnectionFactory connections;

  PatroniFailoverOps(String name, ClusterConfig cluster, PatroniRestClient rest, ConnectionFactory connections) {
    this.name = name;
    this.cluster = cluster;
    this.rest = rest;
    this.connections = connections;
  }

  PatroniView view() {
    PatroniFacts facts = PatroniActivitiesImpl.read(name, cluster, rest, connections);
    List<NodeView> nodes = new ArrayList<>();
    for (NodeConfig n : cluster.nodes()) {
      String restError = null;
      try {
        rest.get(n.name(), "/patroni");
      } catch (IOException | IllegalArgumentException e) {
        restError = firstLine(e.getMessage());
      }
      nodes.add(pg(n, restError));
    }
    return new PatroniView(facts, List.copyOf(nodes));
  }

  private NodeView pg(NodeConfig n, String restError) {
    try (Connection c = connections.open(name, n.name(), "postgres"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(VIEW_SQL)) {
      rs.next();
      return new NodeView(n.name(), n.host(), n.port(), restError == null, restError, !rs.getBoolean(1),
          rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getInt(5), null);
    } catch (NodeConnectException | SQLException e) {
      return new NodeView(n.name(), n.host(), n.port(), restError == null, restError, null, -1, -1, -1, -1,
          firstLine(e.getMessage()));
    }
  }

  LeaderWait awaitLeader(String notNode, long timeoutSeconds) {
    long start = System.nanoTime();
    long deadline = start + timeoutSeconds * 1_000_000_000L;
    String last = "no answer yet";
    while (true) {
      ClusterStatus status = anyCluster();
      MemberStatus leader = status == null ? null : status.members().stream()
          .filter(m -> "primary".equals(m.role())).findFirst().orElse(null);
      String node = leader == null ? null : PatroniFactsBuilder.nodeOf(cluster, leader);
      long timeline = node == null || node.equals(notNode) ? -1 : writableTimeline(node);
      if (timeline >= 0) {
        return new LeaderWait(true, leader.name(), node, timeline, (System.nanoTime() - start) / 1_000_000,
            Instant.now().toString());
      }
      last = status == null ? "no Patroni REST API answered GET /cluster" : leader == null ? "no leader"
          : "leader " + leader.name() + (node == null ? " (no configured node)" : node.equals(notNode)
          ? " is still the old primary" : " does not accept writes yet");
      if (System.nanoTime() > deadline) {
        return new LeaderWait(false, null, null, -1, (System.nanoTime() - start) / 1_000_000, null);
      }
      ActivitySupport.heartbeat(last);
      ActivitySupport.pause(POLL_MILLIS, FailureTypes.UNREACHABLE);
    }
  }

  String failover(String candidate) {
    Lookups.node(cluster, name, candidate);
    PatroniFacts facts = PatroniActivitiesImpl.read(name, cluster, rest, connections);
    PatroniMember member = facts.members().stream().filter(m -> candidate.equals(m.node())).findFirst()
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("node " + candidate + " is no member of the"
            + " Patroni cluster " + name + "; no failover asked", FailureTypes.SAFETY_REFUSED));
    if (member.isLeader()) {
      return member.name() + " is already Patroni's leader";
    }
    String body;
    try {
      body = JSON.writeValueAsString(Map.of("candidate", member.name()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    List<String> errors = new ArrayList<>();
    // The candidate's own Patroni first: it is alive, the old leader's may not be.
    List<String> order = new ArrayList<>(List.of(candidate));
    cluster.nodes().stream().map(NodeConfig::name).filter(n -> !n.equals(candidate)).forEach(order::add);
    for (String n : order) {
      PatroniRestClient.Answer a;
      try {
        a = rest.post(n, "/failover", body);
      } catch (IOException | IllegalArgumentException e) {
        errors.add(n + ": " + firstLine(e.getMessage()));
        continue;
      }
      String text = a.body() == null ? "" : a.body().strip();
      if (a.ok()) {
        return text;
      }
      if (a.status() == 401 || a.status() == 403) {
        throw Lookups.config("Patroni of " + n + " refused the credentials of clusters." + name
            + ".patroni.credentials (HTTP " + a.status() + ")");
      }
      throw ApplicationFailure.newFailure("Patroni of " + n + " answered POST /failover with HTTP " + a.status()
          + ": " + text, FailureTypes.UNREACHABLE);
    }
    throw ApplicationFailure.newFailure("no Patroni REST API of cluster " + name + " answered POST /failover: "
        + String.join("; ", errors), FailureTypes.UNREACHABLE);
  }

  private ClusterStatus anyCluster() {
    for (NodeConfig n : cluster.nodes()) {
      try {
        PatroniRestClient.Answer a = rest.get(n.name(), "/cluster");
        if (a.ok()) {
          return PatroniStatus.cluster(a.body());
        }
      } catch (IOException | IllegalArgumentException e) {
        // the next member may answer
      }
    }
    return null;
  }

  /** The node's timeline when it accepts writes, else -1. */
  private long writableTimeline(String node) {
    try (Connection c = connections.open(name, node, "postgres"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT NOT pg_is_in_recovery(), " + TIMELINE)) {
      rs.next();
      return rs.getBoolean(1) ? rs.getLong(2) : -1;
    } catch (NodeConnectException | SQLException e) {
      return -1;
    }
  }
}
