package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.activities.PatroniActivities;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniMember;
import io.pgrunbooks.workflows.activities.PatroniActivities.ScheduledSwitchover;
import java.util.ArrayList;
import java.util.List;

/**
 * Patroni of cluster main (members pg1..pg3 on the nodes of the same names) as {@link FailoverFakes} sees it. After
 * an answered {@code POST /switchover} the next {@code GET /cluster} still shows the old leader, the one after that
 * the candidate leading on the next timeline with the old leader stopped, then the old leader running as a replica.
 * {@code switchoverAndWatch} returns once the candidate leads: the next {@code GET /cluster} shows the end state.
 */
public final class PatroniFakes implements PatroniActivities {
  private final List<String> calls;
  public volatile String leader = "pg1";
  public volatile long timeline = 1;
  public volatile boolean paused;
  public volatile ScheduledSwitchover scheduled;
  /** Status of the answer to POST /switchover; -1: no answer (the switchover still happens unless {@link #ignore}). */
  public volatile int answerStatus = 200;
  /** Patroni does not switch over whatever it answered. */
  public volatile boolean ignore;
  private String from;
  private String to;
  private int sinceSwitch = -1;

  public PatroniFakes(List<String> calls) {
    this.calls = calls;
  }

  public static PatroniFacts facts(String leader, long timeline, boolean paused, ScheduledSwitchover scheduled,
                                   String stopped) {
    List<PatroniMember> members = new ArrayList<>();
    for (String n : List.of("pg1", "pg2", "pg3")) {
      boolean l = n.equals(leader);
      boolean down = n.equals(stopped);
      members.add(new PatroniMember(n, n, "/data/" + n, l ? "primary" : "replica", down ? "stopped" : l ? "running"
          : "streaming", !l && !down, timeline, l ? null : 0L, null, null, false, "3.0.2", down ? null : !l));
    }
    return new PatroniFacts("main", leader, paused, scheduled, members, "pg1", List.of());
  }

  @Override
  public synchronized PatroniFacts facts(PatroniFactsInput input) {
    if (sinceSwitch < 0) {
      return facts(leader, timeline, paused, scheduled, null);
    }
    sinceSwitch++;
    if (sinceSwitch == 1) {
      return facts(from, timeline, paused, scheduled, null);
    }
    if (sinceSwitch == 2) {
      return facts(to, timeline + 1, paused, scheduled, from);
    }
    leader = to;
    timeline++;
    sinceSwitch = -1;
    return facts(leader, timeline, paused, scheduled, null);
  }

  /** The timeline PostgreSQL of the leader writes on: the next one once Patroni shows the switch. */
  public synchronized int postgresTimeline() {
    return (int) (sinceSwitch >= 2 ? timeline + 1 : timeline);
  }

  @Override
  public String reinitialize(ReinitializeInput input) {
    throw new UnsupportedOperationException();
  }

  /** A healthy leader (its Patroni and PostgreSQL answer, no other node writable): Failover's switchover path. */
  @Override
  public synchronized PatroniView view(PatroniFactsInput input) {
    PatroniFacts f = facts(leader, timeline, paused, scheduled, null);
    return new PatroniView(f, f.members().stream().map(m -> new NodeView(m.node(), "127.0.0.1",
        15430 + Integer.parseInt(m.node().substring(2)), true, null, !m.inRecovery(), 5000, timeline, 3, 0, null))
        .toList());
  }

  @Override
  public LeaderWait awaitLeader(AwaitLeaderInput input) {
    throw new UnsupportedOperationException("a healthy leader is never waited for");
  }

  @Override
  public String failover(PatroniFailoverInput input) {
    throw new UnsupportedOperationException("a healthy leader is switched over, never failed over");
  }

  @Override
  public String patchParameters(PatchParametersInput input) {
    throw new UnsupportedOperationException("RollingRestart only");
  }

  @Override
  public String restartReplica(ReinitializeInput input) {
    throw new UnsupportedOperationException("RollingRestart only");
  }

  @Override
  public synchronized SwitchoverWatch switchoverAndWatch(SwitchoverWatchInput input) {
    SwitchoverAnswer a = switchover(new SwitchoverInput(input.cluster(), input.leader(), input.candidate()));
    PatroniSwitchoverChecks.Answer meaning = PatroniSwitchoverChecks.answer(a.status());
    if (meaning == PatroniSwitchoverChecks.Answer.REFUSED || meaning == PatroniSwitchoverChecks.Answer.CREDENTIALS) {
      return new SwitchoverWatch(a.status(), a.body(), false, "Patroni answered HTTP " + a.status(), 40);
    }
    if (sinceSwitch < 0) {
      return new SwitchoverWatch(a.status(), a.body(), false, input.candidate() + "'s Patroni answers GET /primary"
          + " with 503 (not the leader yet)", input.timeoutSeconds() * 1000);
    }
    sinceSwitch = 2;
    return new SwitchoverWatch(a.status() == 200 ? 0 : a.status(), a.status() == 200 ? "" : a.body(), true,
        input.candidateMember() + " answers GET /primary with 200, its PostgreSQL is out of recovery", 1400);
  }

  @Override
  public synchronized SwitchoverAnswer switchover(SwitchoverInput input) {
    calls.add("POST /switchover " + input.leader() + " -> " + input.candidate());
    if (!ignore && (answerStatus < 300 || answerStatus >= 500 || answerStatus == -1)) {
      from = leader;
      to = input.candidate();
      sinceSwitch = 0;
    }
    return new SwitchoverAnswer(answerStatus, answerStatus == -1 ? "no answer" : answerStatus == 412
        ? "candidate name does not match with sync_standby" : "Successfully switched over to \"" + input.candidate() + "\"");
  }
}
