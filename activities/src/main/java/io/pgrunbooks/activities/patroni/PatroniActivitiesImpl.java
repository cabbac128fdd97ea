package io.pgrunbooks.activities.patroni;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.patroni.PatroniFactsBuilder.Observed;
import io.pgrunbooks.activities.patroni.PatroniStatus.ClusterStatus;
import io.pgrunbooks.activities.patroni.PatroniStatus.NodeStatus;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.RecoveryProbe;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.PatroniActivities;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniMember;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@link PatroniActivities} over Patroni's REST API and PgJDBC, with credentials from the worker's config. */
public class PatroniActivitiesImpl implements PatroniActivities {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final RunbooksConfig config;
  private final ConnectionFactory connections;
  private final Supplier<Map<String, String>> env;

  public PatroniActivitiesImpl(RunbooksConfig config, ConnectionFactory connections, Supplier<Map<String, String>> env) {
    this.config = config;
    this.connections = connections;
    this.env = env;
  }

  @Override
  public PatroniFacts facts(PatroniFactsInput input) {
    ClusterConfig cluster = patroniCluster(config, input.cluster());
    return read(input.cluster(), cluster, new PatroniRestClient(cluster.patroni(), env), connections);
  }

  @Override
  public String reinitialize(ReinitializeInput input) {
    ClusterConfig cluster = patroniCluster(config, input.cluster());
    Lookups.node(cluster, input.cluster(), input.node());
    PatroniRestClient rest = new PatroniRestClient(cluster.patroni(), env);
    // Asked again right before the call: a switchover since the workflow's check must not wipe the new leader.
    PatroniFacts facts = read(input.cluster(), cluster, rest, connections);
    PatroniMember member = facts.members().stream().filter(m -> input.node().equals(m.node())).findFirst()
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("node " + input.node() + " is no member of the"
            + " Patroni cluster " + input.cluster() + "; not reinitializing", FailureTypes.SAFETY_REFUSED));
    if (member.isLeader()) {
      throw ApplicationFailure.newNonRetryableFailure(input.node() + " holds Patroni's leader lock; a leader is never"
          + " reinitialized", FailureTypes.SAFETY_REFUSED);
    }
    PatroniRestClient.Answer answer;
    try {
      answer = rest.post(input.node(), "/reinitialize", "{}");
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("POST /reinitialize to Patroni of " + input.node() + " got no answer: "
          + firstLine(e.getMessage()), FailureTypes.UNREACHABLE);
    }
    String body = answer.body() == null ? "" : answer.body().strip();
    if (answer.ok()) {
      return body;
    }
    if (body.contains("in progress")) {
      // A retry after a lost answer: Patroni is already doing it.
      return body;
    }
    if (answer.status() == 401 || answer.status() == 403) {
      throw Lookups.config("Patroni of " + input.node() + " refused the credentials of clusters." + input.cluster()
          + ".patroni.credentials (HTTP " + answer.status() + ")");
    }
    throw ApplicationFailure.newFailure("Patroni of " + input.node() + " answered POST /reinitialize with HTTP "
        + answer.status() + ": " + body, FailureTypes.UNREACHABLE);
  }

  @Override
  public PatroniView view(PatroniFactsInput input) {
    return ops(input.cluster()).view();
  }

  @Override
  public LeaderWait awaitLeader(AwaitLeaderInput input) {
    return ops(input.cluster()).awaitLeader(input.notNode(), input.timeoutSeconds());
  }

  @Override
  public String failover(PatroniFailoverInput input) {
    return ops(input.cluster()).failover(input.candidate());
  }

  private PatroniFailoverOps ops(String name) {
    ClusterConfig cluster = patroniCluster(config, name);
    return new PatroniFailoverOps(name, cluster, new PatroniRestClient(cluster.patroni(), env), connections);
  }

  @Override
  public SwitchoverAnswer switchover(SwitchoverInput input) {
    ClusterConfig cluster = patroniCluster(config, input.cluster());
    Lookups.node(cluster, input.cluster(), input.leader());
    Lookups.node(cluster, input.cluster(), input.candidate());
    PatroniRestClient rest = new PatroniRestClient(cluster.patroni(), env);
    PatroniFacts facts = read(input.cluster(), cluster, rest, connections);
    ObjectNode body = JSON.createObjectNode()
        .put("leader", memberOf(facts, input.leader()).name())
        .put("candidate", memberOf(facts, input.candidate()).name());
    try {
      PatroniRestClient.Answer a = rest.post(input.leader(), "/switchover", body.toString());
      return new SwitchoverAnswer(a.status(), a.body() == null ? "" : a.body().strip());
    } catch (IOException e) {
      return new SwitchoverAnswer(-1, "no answer from Patroni of " + input.leader() + ": " + firstLine(e.getMessage()));
    }
  }

  @Override
  public SwitchoverWatch switchoverAndWatch(SwitchoverWatchInput input) {
    ClusterConfig cluster = patroniCluster(config, input.cluster());
    return new PatroniSwitchoverWatch(input.cluster(), cluster, new PatroniRestClient(cluster.patroni(), env),
        connections).watch(input);
  }

  private static PatroniMember memberOf(PatroniFacts facts, String node) {
    return facts.members().stream().filter(m -> node.equals(m.node())).findFirst()
        .orElseThrow(() -> Lookups.badInput("node " + node + " is no member of the Patroni cluster " + facts.cluster()
            + " (members: " + String.join(", ", facts.members().stream().map(PatroniMember::name).toList()) + ")"));
  }

  @Override
  public String patchParameters(PatchParametersInput input) {
    return restartCalls(input.cluster()).patchParameters(input.parameters());
  }

  @Override
  public String restartReplica(ReinitializeInput input) {
    return restartCalls(input.cluster()).restartReplica(input.node());
  }

  private PatroniRestartCalls restartCalls(String name) {
    ClusterConfig cluster = patroniCluster(config, name);
    return new PatroniRestartCalls(name, cluster, new PatroniRestClient(cluster.patroni(), env), connections);
  }

  /** The cluster, refused (BadInput) when it is unknown or not managed by Patroni. */
  static ClusterConfig patroniCluster(RunbooksConfig config, String name) {
    ClusterConfig cluster = Lookups.cluster(config, name);
    if (!cluster.onPatroni()) {
      throw Lookups.badInput("cluster " + name + " has topology " + cluster.topology() + ": Patroni facts need"
          + " topology: patroni and its patroni section (ops/docs/patroni.md)");
    }
    return cluster;
  }

  /** Gathers every answer, then lets {@link PatroniFactsBuilder} judge them. */
  static PatroniFacts read(String name, ClusterConfig cluster, PatroniRestClient rest, ConnectionFactory connections) {
    ClusterStatus status = null;
    String answeredBy = null;
    List<String> clusterErrors = new ArrayList<>();
    Map<String, NodeStatus> nodeStatus = new LinkedHashMap<>();
    Map<String, String> restErrors = new LinkedHashMap<>();
    for (NodeConfig n : cluster.nodes()) {
      if (status == null) {
        try {
          status = PatroniStatus.cluster(body(rest.get(n.name(), "/cluster"), "/cluster"));
          answeredBy = n.name();
        } catch (IOException | IllegalArgumentException e) {
          clusterErrors.add(n.name() + ": " + firstLine(e.getMessage()));
        }
      }
      try {
        // /patroni answers 200 on every member that runs (503 only when PostgreSQL is not running, still JSON).
        nodeStatus.put(n.name(), PatroniStatus.node(rest.get(n.name(), "/patroni").body()));
      } catch (IOException | IllegalArgumentException e) {
        restErrors.put(n.name(), firstLine(e.getMessage()));
      }
    }
    if (status == null) {
      throw ApplicationFailure.newFailure("no Patroni REST API of cluster " + name + " answered GET /cluster: "
          + String.join("; ", clusterErrors), FailureTypes.UNREACHABLE);
    }
    RecoveryProbe.Roles roles = RecoveryProbe.probe(connections, name, cluster);
    return PatroniFactsBuilder.build(name, cluster, new Observed(answeredBy, status, nodeStatus, restErrors,
        roles.inRecovery(), roles.errors()));
  }

  private static String body(PatroniRestClient.Answer a, String path) throws IOException {
    if (!a.ok()) {
      throw new IOException("GET " + path + " answered HTTP " + a.status() + ": " + firstLine(a.body()));
    }
    return a.body();
  }
}
