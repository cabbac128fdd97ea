package io.pgrunbooks.workflows.failover;

import io.pgrunbooks.workflows.activities.PatroniActivities;
import java.util.ArrayList;
import java.util.List;

/** A scripted Patroni for the failover tests: successive views and leader waits (the last repeats), a journal. */
public final class PatroniFailoverFakes implements PatroniActivities {
  private final List<String> calls;
  public volatile List<PatroniView> views = List.of();
  public volatile List<LeaderWait> waits = List.of();
  private int viewCalls;
  private int waitCalls;

  /** @param calls the journal shared with {@link FailoverFakes} */
  public PatroniFailoverFakes(List<String> calls) {
    this.calls = calls;
  }

  /** A node's view: writable true/false, null = PostgreSQL does not answer; rest = its Patroni answers. */
  public static NodeView node(String name, Boolean writable, boolean rest, long lsn, long timeline) {
    return new NodeView(name, "127.0.0.1", 15430 + Integer.parseInt(name.substring(2)), rest,
        rest ? null : "Connection refused", writable, writable == null ? -1 : lsn, writable == null ? -1 : timeline,
        writable == null ? -1 : 3, writable == null ? -1 : 1, writable == null ? "connection refused" : null);
  }

  /** A view whose Patroni leader runs on {@code leader} (null: none); members are the nodes whose Patroni answers. */
  public static PatroniView view(String leader, boolean paused, NodeView... nodes) {
    List<PatroniMember> members = new ArrayList<>();
    for (NodeView n : nodes) {
      boolean isLeader = n.name().equals(leader);
      if (n.restAnswers() || isLeader) {
        members.add(new PatroniMember(n.name(), n.name(), "/data/" + n.name(), isLeader ? "primary" : "replica",
            "running", !isLeader && !paused, n.timeline(), isLeader ? null : 0L, null, null, false, "3.0.2",
            n.writable() == null ? null : !n.writable()));
      }
    }
    return new PatroniView(new PatroniFacts("main", leader, paused, null, members, "pg2", List.of()), List.of(nodes));
  }

  /** Patroni killed on pg1: pg2 promoted on timeline 2, pg1's PostgreSQL still takes writes. */
  public static PatroniView twoWritable() {
    return view("pg2", false, node("pg1", true, false, 9000, 1), node("pg2", true, true, 8800, 2),
        node("pg3", false, true, 8800, 2));
  }

  public static PatroniView fenced() {
    return view("pg2", false, node("pg1", null, false, 0, 0), node("pg2", true, true, 9100, 2),
        node("pg3", false, true, 9100, 2));
  }

  public static LeaderWait found(String node, long timeline) {
    return new LeaderWait(true, node, node, timeline, 31000, "2026-12-07T03:00:00Z");
  }

  public static LeaderWait notFound() {
    return new LeaderWait(false, null, null, -1, 90000, null);
  }

  @Override
  public synchronized PatroniView view(PatroniFactsInput input) {
    return views.get(Math.min(viewCalls++, views.size() - 1));
  }

  @Override
  public synchronized LeaderWait awaitLeader(AwaitLeaderInput input) {
    calls.add("awaitLeader not " + input.notNode());
    return waits.get(Math.min(waitCalls++, waits.size() - 1));
  }

  @Override
  public String failover(PatroniFailoverInput input) {
    calls.add("POST /failover " + input.candidate());
    return "Successfully failed over to \"" + input.candidate() + "\"";
  }

  /** The facts of the last view read (a healthy leader goes on to Failover's switchover path, which reads them). */
  @Override
  public synchronized PatroniFacts facts(PatroniFactsInput input) {
    return views.get(Math.min(Math.max(viewCalls - 1, 0), views.size() - 1)).facts();
  }

  @Override
  public SwitchoverAnswer switchover(SwitchoverInput input) {
    calls.add("POST /switchover " + input.leader() + " -> " + input.candidate());
    throw new UnsupportedOperationException("the unplanned failover tests never switch over");
  }

  @Override
  public SwitchoverWatch switchoverAndWatch(SwitchoverWatchInput input) {
    return new SwitchoverWatch(switchover(new SwitchoverInput(input.cluster(), input.leader(), input.candidate()))
        .status(), "", false, "", 0);
  }

  @Override
  public String reinitialize(ReinitializeInput input) {
    throw new UnsupportedOperationException();
  }

  @Override
  public String patchParameters(PatchParametersInput input) {
    throw new UnsupportedOperationException();
  }

  @Override
  public String restartReplica(ReinitializeInput input) {
    throw new UnsupportedOperationException();
  }
}
