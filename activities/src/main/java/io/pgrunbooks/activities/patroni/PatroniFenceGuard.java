package io.pgrunbooks.activities.patroni;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import io.pgrunbooks.activities.patroni.PatroniStatus.ClusterStatus;
import io.pgrunbooks.activities.patroni.PatroniStatus.MemberStatus;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The node agent's own check before it fences the PostgreSQL of a Patroni node, the one case where it touches one:
 * the local Patroni REST API must not answer (Patroni is dead, nobody else manages this PostgreSQL) and another
 * member must name a leader that is not this node. {@link #refusal} decides, {@link #check} asks.
 */
public final class PatroniFenceGuard {
  private PatroniFenceGuard() {}

  /**
   * Why the agent refuses to fence {@code node}, or null when it may.
   *
   * @param localRestError why the node's own Patroni did not answer {@code GET /patroni}; null when it answered
   * @param leaderNode the node Patroni's leader runs on as another member reports it, null when none is named
   * @param clusterErrors why the other members did not answer {@code GET /cluster} (empty when one did)
   * @param leaderKnown whether some other member answered {@code GET /cluster}
   */
  public static String refusal(String node, String localRestError, boolean leaderKnown, String leaderNode,
                               List<String> clusterErrors) {
    if (localRestError == null) {
      return "Patroni on " + node + " answers its REST API: it manages this PostgreSQL (and demotes it itself); the"
          + " node agent never stops the PostgreSQL of a node whose Patroni is alive";
    }
    if (!leaderKnown) {
      return "no other Patroni member answered GET /cluster (" + String.join("; ", clusterErrors) + "): cannot"
          + " confirm that " + node + " is not Patroni's leader; not fencing";
    }
    if (leaderNode == null) {
      return "Patroni names no leader: fencing " + node + " could leave the cluster without a writable node;"
          + " not fencing";
    }
    if (leaderNode.equals(node)) {
      return node + " is Patroni's leader: a leader is never fenced";
    }
    return null;
  }

  /** Asks the local Patroni and the other members, then {@link #refusal}. */
  public static String check(ClusterConfig cluster, String node, Supplier<Map<String, String>> env) {
    PatroniRestClient rest = new PatroniRestClient(cluster.patroni(), env);
    String localError = null;
    try {
      rest.get(node, "/patroni");
    } catch (IOException | IllegalArgumentException e) {
      localError = firstLine(e.getMessage());
    }
    List<String> errors = new ArrayList<>();
    for (NodeConfig n : cluster.nodes()) {
      if (n.name().equals(node)) {
        continue;
      }
      try {
        PatroniRestClient.Answer a = rest.get(n.name(), "/cluster");
        if (!a.ok()) {
          errors.add(n.name() + ": HTTP " + a.status());
          continue;
        }
        ClusterStatus status = PatroniStatus.cluster(a.body());
        MemberStatus leader = status.members().stream().filter(m -> "primary".equals(m.role())).findFirst()
            .orElse(null);
        String leaderNode = leader == null ? null : PatroniFactsBuilder.nodeOf(cluster, leader);
        return refusal(node, localError, true, leader == null ? null : leaderNode == null ? leader.name()
            : leaderNode, errors);
      } catch (IOException | IllegalArgumentException e) {
        errors.add(n.name() + ": " + firstLine(e.getMessage()));
      }
    }
    return refusal(node, localError, false, null, errors);
  }
}
