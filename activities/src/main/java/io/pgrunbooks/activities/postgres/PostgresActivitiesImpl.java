package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.ConnectionFactory.NodeConnectException;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.HealthFactsInput;
import io.pgrunbooks.workflows.activities.NodeHealthFacts;
import io.pgrunbooks.workflows.activities.PostgresActivities;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/** {@link PostgresActivities} over PgJDBC, with credentials from the worker's config. */
public class PostgresActivitiesImpl implements PostgresActivities {
  /** Failure type of a SQL error after connecting; retryable, unlike bad input. */
  public static final String SQL_ERROR = "SqlError";
  private static final String DATABASE = "postgres";

  private final RunbooksConfig config;
  private final ConnectionFactory connections;

  public PostgresActivitiesImpl(RunbooksConfig config, ConnectionFactory connections) {
    this.config = config;
    this.connections = connections;
  }

  @Override
  public NodeHealthFacts collectHealthFacts(HealthFactsInput input) {
    ClusterConfig cluster = Lookups.cluster(config, input.cluster());
    Lookups.node(cluster, input.cluster(), input.node());
    long threshold = cluster.health().longQuerySeconds();
    try (Connection c = connections.open(input.cluster(), input.node(), DATABASE)) {
      return HealthFactsReader.read(c, input.node(), threshold);
    } catch (NodeConnectException e) {
      // A node that is down is what a health check is for: report it, do not fail.
      return NodeHealthFacts.unreachable(input.node(), e.getMessage(), Instant.now());
    } catch (SQLException e) {
      if (ConnectionFactory.lostConnection(e)) {
        return NodeHealthFacts.unreachable(input.node(),
            "connection lost while reading health facts: " + firstLine(e.getMessage()), Instant.now());
      }
      throw ApplicationFailure.newFailure("health queries on " + input.node() + " failed: " + firstLine(e.getMessage()),
          SQL_ERROR);
    }
  }
}
