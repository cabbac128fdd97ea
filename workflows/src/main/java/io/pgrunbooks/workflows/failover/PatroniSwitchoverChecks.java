package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFacts;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniMember;
import io.pgrunbooks.workflows.activities.PatroniActivities.ScheduledSwitchover;
import io.pgrunbooks.workflows.activities.PatroniActivities.SwitchoverWatch;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decisions of a planned switchover through Patroni, on the facts {@code PatroniActivities.facts} returned: when
 * to refuse, what Patroni's answer to {@code POST /switchover} means, and when {@code GET /cluster} shows it done.
 * Pure, so workflow code may call it.
 */
public final class PatroniSwitchoverChecks {
  private PatroniSwitchoverChecks() {}

  /** What an answer to {@code POST /switchover} means; only {@link #REFUSED} and {@link #CREDENTIALS} end the run. */
  public enum Answer {
    /** 2xx: Patroni says it switched over; still judged from {@code GET /cluster}. */
    ACCEPTED,
    /** 503 "status unknown", another 5xx or no answer: it may still finish; judged from {@code GET /cluster}. */
    UNKNOWN,
    /** 400 or 412: Patroni refused (candidate not healthy, leader name wrong, ...); nothing was switched. */
    REFUSED,
    /** 401 or 403: the configured credentials were refused. */
    CREDENTIALS
  }

  /** @param done the state looked for is reached; {@code detail} says what was seen either way */
  public record Judgement(boolean done, String detail) {}

  /**
   * SafetyRefused unless Patroni may switch over from {@code leader} to {@code candidate} now: not paused, no
   * switchover scheduled, Patroni's leader is the node PostgreSQL says is primary, the candidate a member replica.
   */
  public static void requireSwitchable(PatroniFacts f, String leader, String candidate) {
    if (f.paused()) {
      throw refuse("cluster " + f.cluster() + " is paused in Patroni (automatic failover off): a switchover now would"
          + " run outside Patroni's control; resume it with PATCH /config {\"pause\": false} first");
    }
    ScheduledSwitchover s = f.scheduledSwitchover();
    if (s != null) {
      throw refuse("Patroni already has a switchover scheduled at " + s.at() + " from " + s.from()
          + (s.to() == null ? "" : " to " + s.to()) + " in cluster " + f.cluster()
          + "; cancel it (DELETE /switchover) or let it run first");
    }
    PatroniMember l = f.leader() == null ? null : f.member(f.leader());
    if (l == null || !leader.equals(l.node())) {
      throw refuse("Patroni's leader is " + (l == null ? "nobody" : l.name() + " on " + l.node()) + " but PostgreSQL's"
          + " primary is " + leader + ": Patroni and PostgreSQL disagree, resolve that first");
    }
    PatroniMember c = onNode(f, candidate);
    if (c == null) {
      throw refuse(candidate + " is no member of the Patroni cluster " + f.cluster() + " (members: "
          + String.join(", ", f.members().stream().map(PatroniMember::name).toList()) + ")");
    }
    if (c.isLeader() || !Boolean.TRUE.equals(c.inRecovery())) {
      throw refuse(candidate + " (member " + c.name() + ") is not a replica in recovery (role " + c.role()
          + ", in recovery " + c.inRecovery() + ")");
    }
    if (!"running".equals(c.state()) && !"streaming".equals(c.state())) {
      throw refuse(candidate + " (member " + c.name() + ") is " + c.state() + " in Patroni, not running");
    }
  }

  public static Answer answer(int status) {
    if (status >= 200 && status < 300) {
      return Answer.ACCEPTED;
    }
    if (status == 400 || status == 412) {
      return Answer.REFUSED;
    }
    if (status == 401 || status == 403) {
      return Answer.CREDENTIALS;
    }
    return Answer.UNKNOWN;
  }

  /**
   * The candidate holds the leader lock and its PostgreSQL is out of recovery: writes may resume once a real write
   * succeeded there. Patroni's member timeline in {@code GET /cluster} may lag by one {@code loop_wait}: the next
   * timeline is checked on PostgreSQL's write ({@link #requireNextTimeline}), Patroni's after the RESUME
   * ({@link #completed}).
   */
  public static Judgement promoted(PatroniFacts f, String candidate) {
    PatroniMember c = onNode(f, candidate);
    PatroniMember l = f.leader() == null ? null : f.member(f.leader());
    String seen = "leader " + (l == null ? "none" : l.name() + " on timeline " + l.timeline());
    if (c == null || !c.isLeader()) {
      return new Judgement(false, seen);
    }
    if (!Boolean.FALSE.equals(c.inRecovery())) {
      return new Judgement(false, seen + ", PostgreSQL there still in recovery (" + c.inRecovery() + ")");
    }
    return new Judgement(true, c.name() + " holds the leader lock, PostgreSQL out of recovery");
  }

  /** Patroni's answer to the POST in words: "HTTP 200: ...", none yet (status 0) or why none came (-1). */
  public static String describeAnswer(int status, String body) {
    return status == 0 ? "Patroni had not answered the POST yet" : status == -1 ? body : "HTTP " + status + ": " + body;
  }

  /** The watch's report line: Patroni's answer, what was seen on the candidate, how long it took. */
  public static String describe(SwitchoverWatch w) {
    return describeAnswer(w.status(), w.body()) + "; " + w.detail() + " after " + w.waitedMillis() + " ms";
  }

  /** Fails unless the write on the new leader ran on the timeline after {@code oldTimeline}. */
  public static void requireNextTimeline(String candidate, int writeTimeline, long oldTimeline) {
    if (writeTimeline != oldTimeline + 1) {
      throw ApplicationFailure.newNonRetryableFailure(candidate + " took a write on timeline " + writeTimeline
          + ", not on " + (oldTimeline + 1) + " after the leader's " + oldTimeline + ": not the switchover asked for",
          FailureTypes.SAFETY_REFUSED);
    }
  }

  /**
   * The switchover is complete in Patroni's eyes: the candidate leads on the timeline after {@code oldTimeline} and
   * the old leader runs again as a replica (state running or streaming, in recovery).
   */
  public static Judgement completed(PatroniFacts f, String oldLeader, String candidate, long oldTimeline) {
    PatroniMember c = onNode(f, candidate);
    if (c == null || !c.isLeader() || c.timeline() != oldTimeline + 1) {
      return new Judgement(false, candidate + (c == null ? " is not listed" : " is " + c.role() + " on timeline "
          + c.timeline()) + " (waiting for the leader on timeline " + (oldTimeline + 1) + ")");
    }
    Judgement old = rejoined(f, oldLeader);
    return new Judgement(old.done(), c.name() + " leads on timeline " + c.timeline() + "; " + old.detail());
  }

  /** The old leader runs again as a replica (state running or streaming, in recovery). */
  static Judgement rejoined(PatroniFacts f, String oldLeader) {
    PatroniMember o = onNode(f, oldLeader);
    if (o == null) {
      return new Judgement(false, oldLeader + " is not listed by Patroni");
    }
    String seen = o.name() + ": role " + o.role() + ", state " + o.state() + ", in recovery " + o.inRecovery();
    boolean running = "running".equals(o.state()) || "streaming".equals(o.state());
    return new Judgement(!o.isLeader() && running && Boolean.TRUE.equals(o.inRecovery()), seen);
  }

  /**
   * The node PgBouncer must point at after a failure: Patroni's leader when its PostgreSQL answers as writable and
   * no other node does; null when there is no such single writable leader.
   */
  public static String writableLeader(PatroniFacts f) {
    PatroniMember l = f.leader() == null ? null : f.member(f.leader());
    List<PatroniMember> writable = f.members().stream().filter(m -> Boolean.FALSE.equals(m.inRecovery())).toList();
    if (l == null || l.node() == null || writable.size() != 1 || writable.get(0) != l) {
      return null;
    }
    return l.node();
  }

  /** Patroni's view for the approval's evidence. */
  public static Map<String, String> evidence(PatroniFacts f, String candidate) {
    Map<String, String> e = new LinkedHashMap<>();
    PatroniMember l = f.leader() == null ? null : f.member(f.leader());
    PatroniMember c = onNode(f, candidate);
    e.put("Patroni", "leader " + (l == null ? "none" : l.name() + " on timeline " + l.timeline()) + "; candidate "
        + (c == null ? candidate : c.name() + " " + c.state() + ", lag " + (c.lagBytes() == null ? "unknown"
        : c.lagBytes() + " bytes")) + "; not paused, no switchover scheduled"
        + (f.members().isEmpty() || f.members().get(0).patroniVersion() == null ? ""
        : "; Patroni " + f.members().get(0).patroniVersion()));
    if (!f.findings().isEmpty()) {
      e.put("Patroni findings", String.join("\n", f.findings()));
    }
    return e;
  }

  /** The member running on {@code node}, or null. */
  static PatroniMember onNode(PatroniFacts f, String node) {
    return f.members().stream().filter(m -> node.equals(m.node())).findFirst().orElse(null);
  }

  private static ApplicationFailure refuse(String message) {
    return ApplicationFailure.newNonRetryableFailure(message + "; nothing was changed", FailureTypes.SAFETY_REFUSED);
  }
}
