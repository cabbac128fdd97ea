package io.pgrunbooks.activities.pgbouncer;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.Credentials;
import io.pgrunbooks.config.PgBouncerConfig;
import io.pgrunbooks.config.PgBouncerConsole;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * Connections through a cluster's PgBouncer: to a database as a client (the cluster credentials), or to its admin
 * console (the pgbouncer credentials, else the cluster password with {@code adminUser}; see {@link PgBouncerConsole}).
 */
public final class BouncerConnections {
  static {
    PgBouncerConsole.quietVersionWarning();
  }

  private final RunbooksConfig config;
  private final Map<String, String> env;

  public BouncerConnections(RunbooksConfig config, Map<String, String> env) {
    this.config = config;
    this.env = env;
  }

  public PgBouncerConfig of(String cluster) {
    ClusterConfig c = Lookups.cluster(config, cluster);
    if (c.pgbouncer() == null) {
      throw Lookups.config("cluster " + cluster + " has no pgbouncer configured");
    }
    return c.pgbouncer();
  }

  /** A client connection to {@code database} through PgBouncer (no server-side prepared statements). */
  public Connection open(String cluster, String database, int socketTimeoutSeconds) throws SQLException {
    ClusterConfig c = Lookups.cluster(config, cluster);
    PgBouncerConfig b = of(cluster);
    return DriverManager.getConnection(url(b, database) + "?prepareThreshold=0",
        props(c.credentials().user(), password(cluster, c.credentials()), socketTimeoutSeconds));
  }

  /** The admin console ({@code PAUSE}, {@code RESUME}, {@code RELOAD}). */
  public Connection admin(String cluster, int socketTimeoutSeconds) throws SQLException {
    ClusterConfig c = Lookups.cluster(config, cluster);
    PgBouncerConfig b = of(cluster);
    Credentials creds = b.credentials() != null ? b.credentials() : c.credentials();
    String user = b.credentials() != null ? b.credentials().user() : b.adminUser();
    return DriverManager.getConnection(url(b, "pgbouncer") + "?" + PgBouncerConsole.URL_PARAMETERS,
        props(user, password(cluster, creds), socketTimeoutSeconds));
  }

  private String password(String cluster, Credentials creds) {
    try {
      return creds.resolvePassword(env);
    } catch (IllegalStateException e) {
      throw Lookups.config("cluster " + cluster + ": " + e.getMessage());
    }
  }

  private static String url(PgBouncerConfig b, String database) {
    return "jdbc:postgresql://" + (b.host().contains(":") ? "[" + b.host() + "]" : b.host()) + ":" + b.port() + "/"
        + database;
  }

  private static Properties props(String user, String password, int socketTimeoutSeconds) {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("ApplicationName", ConnectionFactory.APPLICATION_NAME);
    p.setProperty("connectTimeout", "5");
    p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
    return p;
  }
}
