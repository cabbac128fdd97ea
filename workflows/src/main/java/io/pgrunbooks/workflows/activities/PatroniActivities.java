package io.pgrunbooks.workflows.activities;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import java.util.Map;

/**
 * Patroni's view of a cluster with {@code topology: patroni}, read by the central worker over Patroni's REST
 * API ({@code GET /cluster} and each member's {@code GET /patroni}) and cross-checked against
 * {@code pg_is_in_recovery()} on every node. The switchover, reinitialize and restart calls of the Patroni
 * topology runbooks join this interface.
 */
@ActivityInterface
public interface PatroniActivities {
  /**
   * Roles, timeline, lag, state, pause and pending restarts of every member, and the findings where Patroni and
   * PostgreSQL disagree. Unknown cluster or a cluster without {@code topology: patroni}: BadInput. A REST API or a
   * PostgreSQL that does not answer is a finding, not a failure; none of the REST APIs answering is retryable.
   */
  @ActivityMethod
  PatroniFacts facts(PatroniFactsInput input);

  /**
   * {@code POST /reinitialize} to the Patroni of {@code node}: Patroni stops its PostgreSQL, wipes the data directory
   * and clones it from the leader, at once and without asking. Refused (SafetyRefused) when the node is no member
   * or holds the leader lock (asked of Patroni just before the call). Answers Patroni's text; a retry that finds the
   * reinitialization already in progress succeeds.
   */
  @ActivityMethod
  String reinitialize(ReinitializeInput input);

  /**
   * {@code POST /switchover {"leader", "candidate"}} (member names of the two nodes, Basic auth) to the Patroni of
   * {@code leader}. Answers Patroni's HTTP status and text whatever they are, status -1 when no answer came: the
   * workflow judges the outcome from {@code GET /cluster}, never from this answer alone (a 503 "status unknown" may
   * still finish). Unknown cluster, node or member: BadInput. Not retried: a second POST after a lost answer would
   * be refused by a switchover already done.
   */
  @ActivityMethod
  SwitchoverAnswer switchover(SwitchoverInput input);

  /**
   * {@code POST /switchover} like {@link #switchover}, with the member names given (nothing is read before the POST),
   * and while Patroni works, polls the candidate only: its Patroni's {@code GET /primary} (200 once it holds the
   * leader lock) and, once that answers 200, its PostgreSQL's {@code pg_is_in_recovery()}, every 100 ms, heartbeating.
   * Returns when the candidate leads out of recovery (whether or not Patroni has answered the POST yet), when
   * Patroni's answer ends the switchover (400, 412, 401, 403), or after {@code timeoutSeconds}. Unknown cluster or
   * node: BadInput. Not retried, as {@link #switchover}.
   */
  @ActivityMethod
  SwitchoverWatch switchoverAndWatch(SwitchoverWatchInput input);

  // --- unplanned failover and fencing (PatroniFailover) ---

  /**
   * {@link #facts} plus, for every configured node, whether its Patroni REST API answers and what its PostgreSQL
   * says (writable, LSN, timeline, client sessions): what fencing is judged by. A node that does not answer is a
   * fact in its {@link NodeView}, not a failure.
   */
  @ActivityMethod
  PatroniView view(PatroniFactsInput input);

  /**
   * Polls {@code GET /cluster} (heartbeating) until Patroni names a leader that runs on another node than
   * {@code notNode} and whose PostgreSQL accepts writes, or until {@code timeoutSeconds}: then {@code found} is false.
   */
  @ActivityMethod
  LeaderWait awaitLeader(AwaitLeaderInput input);

  /**
   * {@code POST /failover {"candidate": <member of node>}}: a manual failover, which Patroni runs even when it will not
   * promote by itself (paused, no healthy candidate by its rules). Already the leader: done (a retry after a lost
   * answer). Refused (SafetyRefused) when the node is no member.
   */
  @ActivityMethod
  String failover(PatroniFailoverInput input);

  /**
   * @param restAnswers its Patroni's {@code GET /patroni} answered
   * @param writable {@code pg_is_in_recovery() = false}, null when PostgreSQL did not answer
   * @param lsn the current WAL LSN (writable) or the last received or replayed one (replica), bytes since 0/0; -1
   * @param timeline a writable node's current WAL timeline, a replica's received one; -1 when unknown
   * @param clientSessions client backends connected (other than the probe), -1 when unknown
   * @param writingSessions of those, sessions holding a transaction id (writing now), -1 when unknown
   */
  record NodeView(String name, String host, int port, boolean restAnswers, String restError, Boolean writable,
                  long lsn, long timeline, int clientSessions, int writingSessions, String pgError) {}

  /** Patroni's facts and every configured node's view, read in one go. */
  record PatroniView(PatroniFacts facts, List<NodeView> nodes) {
    /** The view of this configured node, or null. */
    public NodeView node(String name) {
      return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
    }

    /** The configured node Patroni's leader runs on, null when there is no leader or it matches no node. */
    @JsonIgnore
    public String leaderNode() {
      PatroniMember m = facts.leader() == null ? null : facts.member(facts.leader());
      return m == null ? null : m.node();
    }
  }

  /** @param notNode the old primary, which does not count as a new leader; null: any leader counts */
  record AwaitLeaderInput(String cluster, String notNode, long timeoutSeconds) {}

  /**
   * @param found false when no such leader appeared in time (then the other fields are null / -1)
   * @param timeline the leader's timeline from its PostgreSQL (Patroni's /cluster lags right after a promotion)
   * @param at when the leader was first seen (ISO-8601)
   */
  record LeaderWait(boolean found, String member, String node, long timeline, long waitedMillis, String at) {}

  /** @param candidate the configured node to promote */
  record PatroniFailoverInput(String cluster, String candidate) {}

  record PatroniFactsInput(String cluster) {}

  /** @param leader the node whose member holds the leader lock; {@code candidate} the replica's node */
  record SwitchoverInput(String cluster, String leader, String candidate) {}

  /** @param status Patroni's HTTP status, -1 when it did not answer; {@code body} its text (or why no answer) */
  record SwitchoverAnswer(int status, String body) {}

  /**
   * @param leader the node whose member holds the leader lock; {@code candidate} the replica's node
   * @param leaderMember {@code candidateMember} their Patroni member names, as the check before the PAUSE read them
   */
  record SwitchoverWatchInput(String cluster, String leader, String candidate, String leaderMember,
                              String candidateMember, long timeoutSeconds) {}

  /**
   * @param status Patroni's HTTP answer to the POST; 0 when none had come yet, -1 when the request failed
   * @param body Patroni's text (or why no answer), empty when none had come yet
   * @param candidateLeads the candidate's {@code GET /primary} answered 200 and its PostgreSQL is out of recovery
   * @param detail what was seen last on the candidate, in words
   */
  record SwitchoverWatch(int status, String body, boolean candidateLeads, String detail, long waitedMillis) {}

  /**
   * RollingRestart: {@code PATCH /config {"postgresql": {"parameters": {...}}}} to the first REST API that answers;
   * Patroni writes the values into every member's configuration and reloads it. Setting the same values again is
   * harmless. Answers a summary of Patroni's answer.
   */
  @ActivityMethod
  String patchParameters(PatchParametersInput input);

  /**
   * RollingRestart: {@code POST /restart {"restart_pending": true, "role": "replica"}} to the Patroni of {@code node}:
   * Patroni restarts that replica only while it has a pending restart, and never a leader. A retry that finds nothing
   * pending or the restart in progress succeeds; the caller waits for streaming.
   */
  @ActivityMethod
  String restartReplica(ReinitializeInput input);

  record PatchParametersInput(String cluster, Map<String, String> parameters) {}

  /** @param node the configured node whose Patroni member to reinitialize */
  record ReinitializeInput(String cluster, String node) {}

  /**
   * @param leader the member holding the leader lock, null when none does
   * @param paused automatic failover paused ({@code PATCH /config {"pause": true}})
   * @param scheduledSwitchover a switchover Patroni will run later, null when none is scheduled
   * @param answeredBy the node whose REST API answered {@code GET /cluster}
   * @param findings sentences about every disagreement (Patroni against PostgreSQL, member against config)
   */
  record PatroniFacts(String cluster, String leader, boolean paused, ScheduledSwitchover scheduledSwitchover,
                      List<PatroniMember> members, String answeredBy, List<String> findings) {
    /** The member with this name, or null. */
    public PatroniMember member(String name) {
      return members.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }

    /** Whether any member waits for a restart to apply a changed parameter. */
    @JsonIgnore
    public boolean pendingRestart() {
      return members.stream().anyMatch(PatroniMember::pendingRestart);
    }
  }

  /** @param at ISO-8601 time Patroni will switch over; {@code from}/{@code to} members, {@code to} may be null */
  record ScheduledSwitchover(String at, String from, String to) {}

  /**
   * One member as Patroni and PostgreSQL see it.
   *
   * @param name Patroni's member name
   * @param node the configured node it runs on (same name, else same host and port), null when none matches
   * @param dataDir that node's configured data directory (what Patroni wipes on reinitialize), null without a node
   * @param role {@code primary} (Patroni's {@code leader}/{@code master}/{@code primary}), {@code replica},
   *     {@code standby_leader}, {@code sync_standby}, ... as reported, leader names normalised
   * @param state Patroni's state: {@code running}, {@code streaming} (4.x replicas), {@code stopped}, ...
   * @param streaming a replica receiving WAL from the leader (4.x: state streaming; 3.x: running and listed as
   *     streaming in the leader's replication)
   * @param timeline -1 when Patroni reports none
   * @param lagBytes Patroni's lag behind the leader, null when unknown (leaders, or {@code "unknown"})
   * @param receiveLagBytes 4.x only, else null
   * @param replayLagBytes 4.x only, else null
   * @param pendingRestart a parameter change waits for a restart of this member
   * @param patroniVersion from the member's own {@code /patroni}, null when it did not answer
   * @param inRecovery {@code pg_is_in_recovery()} of its PostgreSQL, null when it did not answer
   */
  record PatroniMember(String name, String node, String dataDir, String role, String state, boolean streaming, long timeline,
                       Long lagBytes, Long receiveLagBytes, Long replayLagBytes, boolean pendingRestart,
                       String patroniVersion, Boolean inRecovery) {
    /** Holds the leader lock (of the cluster, or of a standby cluster). */
    @JsonIgnore
    public boolean isLeader() {
      return "primary".equals(role) || "standby_leader".equals(role);
    }
  }
}
