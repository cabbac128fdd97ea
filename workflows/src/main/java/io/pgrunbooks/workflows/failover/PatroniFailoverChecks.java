package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.activities.PatroniActivities.NodeView;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFacts;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniMember;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniView;
import java.util.ArrayList;
import java.util.List;

/** Decisions of {@link PatroniFailover}, on facts only: no I/O, tested alone. */
public final class PatroniFailoverChecks {
  private PatroniFailoverChecks() {}

  /** Patroni's default ttl (30 s) plus a few loops: the least time a runbook waits for Patroni's own promotion. */
  static final long MIN_LEADER_WAIT_SECONDS = 90;

  /** Where the cluster stands when a Failover run on Patroni starts. */
  public enum Situation {
    /** Patroni's leader is healthy (REST and PostgreSQL answer, it alone is writable) and is not the candidate. */
    PLANNED,
    /** No leader, or the leader's Patroni or PostgreSQL is gone: Patroni has not promoted (yet). */
    LEADER_LOST,
    /** Patroni has a healthy new leader; what is left: fence the old primary, repoint PgBouncer. */
    LEADER_ELECTED
  }

  /** What to do about one node that is not Patroni's leader. */
  public enum Fence {
    /** Its PostgreSQL answers and is in recovery: nothing to do. */
    NOT_WRITABLE,
    /** Its PostgreSQL does not answer: not writable as far as anyone can connect; reported, not stopped. */
    UNREACHABLE,
    /** Writable, but its Patroni is alive: Patroni demotes it itself, the agent never touches it. */
    PATRONI_ALIVE,
    /** Writable and its Patroni is dead: the node agent stops it (after approval). */
    STOP
  }

  public static Situation situation(PatroniView v, String candidate) {
    String leader = v.leaderNode();
    NodeView l = leader == null ? null : v.node(leader);
    if (l == null || !l.restAnswers() || !Boolean.TRUE.equals(l.writable())) {
      return Situation.LEADER_LOST;
    }
    if (leader.equals(candidate) || !writableOthers(v, leader).isEmpty()) {
      return Situation.LEADER_ELECTED;
    }
    return Situation.PLANNED;
  }

  /** Writable nodes other than {@code leader}, in config order. */
  public static List<String> writableOthers(PatroniView v, String leader) {
    return v.nodes().stream().filter(n -> !n.name().equals(leader) && Boolean.TRUE.equals(n.writable()))
        .map(NodeView::name).toList();
  }

  /**
   * The primary being replaced. While the leader is lost: the leader's node, else the one writable node, else the
   * one node whose Patroni or PostgreSQL is gone. Once a leader is elected: the one other writable node, else the
   * one other node whose Patroni or PostgreSQL is gone. Null when that is not one node (nothing is fenced then).
   */
  public static String oldPrimary(PatroniView v, Situation s) {
    String leader = v.leaderNode();
    if (s == Situation.LEADER_LOST && leader != null) {
      return leader;
    }
    List<String> writable = writableOthers(v, s == Situation.LEADER_LOST ? null : leader);
    if (writable.size() == 1) {
      return writable.get(0);
    }
    if (writable.size() > 1) {
      return null;
    }
    List<String> gone = v.nodes().stream().filter(n -> !n.name().equals(leader))
        .filter(n -> !n.restAnswers() || n.writable() == null).map(NodeView::name).toList();
    return gone.size() == 1 ? gone.get(0) : null;
  }

  public static Fence fence(NodeView n) {
    if (n.writable() == null) {
      return Fence.UNREACHABLE;
    }
    if (!n.writable()) {
      return Fence.NOT_WRITABLE;
    }
    return n.restAnswers() ? Fence.PATRONI_ALIVE : Fence.STOP;
  }

  /** Bounded wait for Patroni's own promotion: the configured promote timeout, at least Patroni's ttl and a margin. */
  public static long leaderWaitSeconds(long promoteTimeoutSeconds) {
    return Math.max(promoteTimeoutSeconds, MIN_LEADER_WAIT_SECONDS);
  }

  /** Why Patroni did not promote by itself, from its facts: what the approvers of a manual failover read. */
  public static String whyNoPromotion(PatroniFacts f, long waitedSeconds) {
    List<String> why = new ArrayList<>();
    if (f.paused()) {
      why.add("the cluster is paused (automatic failover off)");
    }
    List<PatroniMember> healthy = f.members().stream().filter(m -> !m.isLeader() && m.streaming()).toList();
    if (healthy.isEmpty()) {
      why.add("no replica is streaming, so none is a healthy candidate by Patroni's rules");
    }
    if (why.isEmpty()) {
      why.add("no new leader within " + waitedSeconds + " s (Patroni's own reason is in its logs)");
    }
    return String.join("; ", why) + (f.findings().isEmpty() ? "" : ". Findings: " + String.join(" | ", f.findings()));
  }

  /** Refusal of {@code POST /failover} when the approval policy does not ask two people; null when it does. */
  public static String manualFailoverRefusal(int approvalsNeeded) {
    if (approvalsNeeded < 0) {
      return "a manual Patroni failover (POST /failover) is pre-approved in approvals.preApprovals: it needs two "
          + "people deciding; remove that pre-approval";
    }
    if (approvalsNeeded < 2) {
      return "Patroni did not promote by itself and a manual failover (POST /failover) needs two approvers: add "
          + "Failover to approvals.twoPersonRunbooks (with two approvers holding its role); the approvals config asks "
          + approvalsNeeded + " now. Nothing was changed";
    }
    return null;
  }

  /** Bytes the candidate has not received of the old primary's last known WAL; -1 when either is unknown. */
  public static long possibleLoss(long oldPrimaryLsn, NodeView candidate) {
    if (oldPrimaryLsn < 0 || candidate == null || candidate.lsn() < 0) {
      return -1;
    }
    return Math.max(0, oldPrimaryLsn - candidate.lsn());
  }

  /** One line about a node for the evidence: writable or not, LSN, timeline, sessions, Patroni alive or not. */
  public static String describe(NodeView n, String leaderNode) {
    String pg = n.writable() == null ? "PostgreSQL does not answer (" + n.pgError() + ")"
        : (n.writable() ? "writable" : "in recovery") + " at " + FailoverChecks.lsn(n.lsn()) + ", timeline "
        + n.timeline() + ", " + n.clientSessions() + " client sessions (" + n.writingSessions() + " writing)";
    return pg + "; Patroni " + (n.restAnswers() ? "answers" : "does not answer (" + n.restError() + ")")
        + (n.name().equals(leaderNode) ? "; Patroni's leader" : "");
  }
}
