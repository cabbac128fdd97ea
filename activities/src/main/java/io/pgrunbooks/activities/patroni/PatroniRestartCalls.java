package io.pgrunbooks.activities.patroni;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniFacts;
import io.pgrunbooks.workflows.activities.PatroniActivities.PatroniMember;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The REST calls of {@code RollingRestart} on a Patroni cluster: PATCH /config and POST /restart. */
final class PatroniRestartCalls {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final ClusterConfig cluster;
  private final PatroniRestClient rest;
  private final ConnectionFactory connections;

  PatroniRestartCalls(String name, ClusterConfig cluster, PatroniRestClient rest, ConnectionFactory connections) {
    this.name = name;
    this.cluster = cluster;
    this.rest = rest;
    this.connections = connections;
  }

  String patchParameters(Map<String, String> parameters) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode p = body.putObject("postgresql").putObject("parameters");
    parameters.forEach(p::put);
    List<String> errors = new ArrayList<>();
    for (NodeConfig n : cluster.nodes()) {
      PatroniRestClient.Answer a;
      try {
        a = rest.patch(n.name(), "/config", body.toString());
      } catch (IOException | IllegalArgumentException e) {
        errors.add(n.name() + ": " + firstLine(e.getMessage()));
        continue;
      }
      refuseCredentials(a, n.name(), "PATCH /config");
      if (a.ok()) {
        return "Patroni (through " + n.name() + ") set " + parameters + " in the cluster's configuration";
      }
      errors.add(n.name() + ": HTTP " + a.status() + " " + firstLine(a.body()));
    }
    throw ApplicationFailure.newFailure("no Patroni REST API of cluster " + name + " accepted PATCH /config: "
        + String.join("; ", errors), FailureTypes.UNREACHABLE);
  }

  String restartReplica(String node) {
    Lookups.node(cluster, name, node);
    PatroniMember member = member(facts(), node);
    if (member.isLeader()) {
      throw ApplicationFailure.newNonRetryableFailure(node + " holds Patroni's leader lock: RollingRestart restarts"
          + " only replicas; not restarting it", FailureTypes.SAFETY_REFUSED);
    }
    PatroniRestClient.Answer a = call(node, "/restart", "{\"restart_pending\": true, \"role\": \"replica\"}");
    String body = a.body() == null ? "" : a.body().strip();
    // A retry after a lost answer: the restart is done (nothing pending) or still running; the caller waits.
    if (a.ok() || body.contains("conditions are not satisfied") || body.contains("in progress")) {
      return node + ": " + body;
    }
    throw ApplicationFailure.newFailure("Patroni of " + node + " answered POST /restart with HTTP " + a.status() + ": "
        + body, FailureTypes.UNREACHABLE);
  }

  private PatroniFacts facts() {
    return PatroniActivitiesImpl.read(name, cluster, rest, connections);
  }

  private PatroniMember member(PatroniFacts f, String node) {
    return f.members().stream().filter(m -> node.equals(m.node())).findFirst()
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("node " + node + " is no member of the Patroni"
            + " cluster " + name, FailureTypes.SAFETY_REFUSED));
  }

  private PatroniRestClient.Answer call(String node, String path, String json) {
    try {
      PatroniRestClient.Answer a = rest.post(node, path, json);
      refuseCredentials(a, node, "POST " + path);
      return a;
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("POST " + path + " to Patroni of " + node + " got no answer: "
          + firstLine(e.getMessage()), FailureTypes.UNREACHABLE);
    }
  }

  private void refuseCredentials(PatroniRestClient.Answer a, String node, String what) {
    if (a.status() == 401 || a.status() == 403) {
      throw Lookups.config("Patroni of " + node + " refused the credentials of clusters." + name
          + ".patroni.credentials for " + what + " (HTTP " + a.status() + ")");
    }
  }
}
