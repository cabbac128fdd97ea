package io.pgrunbooks.activities.patroni;

import io.pgrunbooks.activities.patroni.PatroniStatus.ClusterStatus;
import io.pgrunbooks.activities.patroni.PatroniStatus.MemberStatus;
import io.pgrunbooks.activities.patroni.PatroniStatus.NodeStatus;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFacts;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniMember;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Joins what Patroni says ({@code /cluster}, each member's {@code /patroni}) with what PostgreSQL says
 * ({@code pg_is_in_recovery()} per node) and the config, and writes one sentence per disagreement. No I/O: the
 * activity gathers the answers, this class decides.
 */
final class PatroniFactsBuilder {
  private PatroniFactsBuilder() {}

  /**
   * What the activity gathered.
   *
   * @param nodeStatus {@code /patroni} per node name that answered
   * @param restErrors why a node's {@code /patroni} did not answer, per node name
   * @param inRecovery {@code pg_is_in_recovery()} per node name that answered
   * @param pgErrors why a node's PostgreSQL did not answer, per node name
   */
  record Observed(String answeredBy, ClusterStatus cluster, Map<String, NodeStatus> nodeStatus,
                  Map<String, String> restErrors, Map<String, Boolean> inRecovery, Map<String, String> pgErrors) {}

  static PatroniFacts build(String clusterName, ClusterConfig config, Observed o) {
    List<String> findings = new ArrayList<>();
    ClusterStatus cs = o.cluster();
    MemberStatus leaderMember = cs.members().stream().filter(m -> "primary".equals(m.role())).findFirst()
        .orElse(null);
    String leaderNode = leaderMember == null ? null : nodeOf(config, leaderMember);
    NodeStatus leaderStatus = leaderNode == null ? null : o.nodeStatus().get(leaderNode);
    if (leaderMember == null) {
      findings.add("Patroni reports no leader: a failover is under way, or Patroni lost its DCS");
    }

    List<PatroniMember> members = new ArrayList<>();
    Set<String> matched = new LinkedHashSet<>();
    for (MemberStatus m : cs.members()) {
      String node = nodeOf(config, m);
      NodeStatus ns = node == null ? null : o.nodeStatus().get(node);
      Boolean inRecovery = node == null ? null : o.inRecovery().get(node);
      if (node == null) {
        findings.add("Patroni member " + m.name() + " (" + m.host() + ":" + m.port() + ") is no node of cluster "
            + clusterName + " in the config");
      } else {
        matched.add(node);
      }
      boolean streaming = "streaming".equals(m.state()) || "streaming".equals(ns == null ? null : ns.replicationState())
          || ("running".equals(m.state()) && leaderStatus != null && leaderStatus.streamingReplicas().contains(m.name()));
      boolean pending = m.pendingRestart() || (ns != null && ns.pendingRestart());
      PatroniMember member = new PatroniMember(m.name(), node, node == null ? null : config.node(node).dataDir(),
          m.role(), m.state(), !isLeaderRole(m.role()) && streaming, m.timeline(), m.lag(), m.receiveLag(),
          m.replayLag(), pending, ns == null ? null : ns.version(), inRecovery);
      members.add(member);
      memberFindings(member, leaderMember, leaderStatus != null, findings);
    }
    for (NodeConfig n : config.nodes()) {
      if (!matched.contains(n.name())) {
        findings.add("node " + n.name() + " is not a member of the Patroni cluster (GET /cluster lists "
            + String.join(", ", cs.members().stream().map(MemberStatus::name).toList()) + ")");
      }
    }
    // In config order, so the same answers always read the same.
    for (NodeConfig n : config.nodes()) {
      if (o.restErrors().containsKey(n.name())) {
        findings.add("Patroni REST API of " + n.name() + " did not answer: " + o.restErrors().get(n.name()));
      }
    }
    for (NodeConfig n : config.nodes()) {
      if (o.pgErrors().containsKey(n.name())) {
        findings.add("PostgreSQL on " + n.name() + " did not answer pg_is_in_recovery(): " + o.pgErrors().get(n.name()));
      }
    }
    List<String> writable = config.nodes().stream().map(NodeConfig::name)
        .filter(n -> Boolean.FALSE.equals(o.inRecovery().get(n))).toList();
    if (writable.size() > 1) {
      findings.add("more than one writable node: " + String.join(", ", writable)
          + " (pg_is_in_recovery() = false on each): fence all but Patroni's leader");
    }
    boolean paused = cs.paused() || o.nodeStatus().values().stream().anyMatch(NodeStatus::paused);
    return new PatroniFacts(clusterName, leaderMember == null ? null : leaderMember.name(), paused,
        cs.scheduledSwitchover(), List.copyOf(members), o.answeredBy(), List.copyOf(findings));
  }

  private static void memberFindings(PatroniMember m, MemberStatus leader, boolean streamingKnown, List<String> out) {
    if (m.node() == null) {
      return;
    }
    if (!"running".equals(m.state()) && !"streaming".equals(m.state())) {
      out.add(m.name() + ": Patroni reports its PostgreSQL as " + m.state());
    }
    if (m.inRecovery() != null) {
      if (m.isLeader() && "primary".equals(m.role()) && m.inRecovery()) {
        out.add(m.name() + ": Patroni holds the leader lock for it, but its PostgreSQL is in recovery"
            + " (pg_is_in_recovery() = true)");
      } else if (!m.isLeader() && !m.inRecovery()) {
        out.add(m.name() + ": Patroni reports it as " + m.role() + ", but its PostgreSQL accepts writes"
            + " (pg_is_in_recovery() = false)");
      }
    }
    if (leader != null && !m.isLeader()) {
      if (leader.timeline() >= 0 && m.timeline() >= 0 && leader.timeline() != m.timeline()) {
        out.add(m.name() + " is on timeline " + m.timeline() + ", the leader " + leader.name() + " on timeline "
            + leader.timeline());
      }
      if (streamingKnown && !m.streaming() && Objects.equals(m.role(), "replica")) {
        out.add(m.name() + " is a replica that is not streaming from the leader " + leader.name());
      }
    }
  }

  private static boolean isLeaderRole(String role) {
    return "primary".equals(role) || "standby_leader".equals(role);
  }

  /** The configured node a member runs on: the same name, else the same PostgreSQL host and port. */
  static String nodeOf(ClusterConfig config, MemberStatus m) {
    NodeConfig byName = config.node(m.name());
    if (byName != null) {
      return byName.name();
    }
    return config.nodes().stream().filter(n -> n.host().equals(m.host()) && n.port() == m.port())
        .map(NodeConfig::name).findFirst().orElse(null);
  }
}
