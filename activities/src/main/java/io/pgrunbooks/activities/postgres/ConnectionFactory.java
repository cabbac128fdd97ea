package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Opens JDBC connections to the nodes of configured clusters. The password is resolved from the
 * environment or a file at each call (so a rotated secret is picked up without a restart), passed
 * only as a connection property, and scrubbed from every message this class produces.
 */
public class ConnectionFactory {
  public static final String APPLICATION_NAME = "pg-runbooks";

  private final RunbooksConfig config;
  private final Supplier<Map<String, String>> env;
  private final Duration connectTimeout;
  private final Duration socketTimeout;

  /** Reads secrets from the process environment; 5 s to connect, 60 s per statement round trip. */
  public ConnectionFactory(RunbooksConfig config) {
    this(config, System::getenv, Duration.ofSeconds(5), Duration.ofSeconds(60));
  }

  public ConnectionFactory(RunbooksConfig config, Supplier<Map<String, String>> env, Duration connectTimeout,
                           Duration socketTimeout) {
    this.config = config;
    this.env = env;
    this.connectTimeout = connectTimeout;
    this.socketTimeout = socketTimeout;
  }

  /**
   * A new connection to {@code node} of {@code cluster}; the caller closes it.
   *
   * @throws io.temporal.failure.ApplicationFailure BadInput for an unknown cluster or node,
   *     ConfigError when the password cannot be read
   * @throws NodeConnectException when the server cannot be reached or refuses the login
   */
  public Connection open(String cluster, String node, String database) throws NodeConnectException {
    ClusterConfig c = Lookups.cluster(config, cluster);
    return open(cluster, c, Lookups.node(c, cluster, node), database);
  }

  /**
   * A new connection with the cluster's credentials to an instance that is no configured node: a scratch instance
   * restored from the cluster's backup (same roles) on {@code host:port}. The caller closes it.
   */
  public Connection openInstance(String cluster, String host, int port, String database) throws NodeConnectException {
    ClusterConfig c = Lookups.cluster(config, cluster);
    return open(cluster, c, new NodeConfig("scratch", host, port, null, null, null, null, 0), database);
  }

  private Connection open(String cluster, ClusterConfig c, NodeConfig n, String database) throws NodeConnectException {
    String password;
    try {
      password = c.credentials().resolvePassword(env.get());
    } catch (IllegalStateException e) {
      // The message names the variable or file, never a value.
      throw Lookups.config("cluster " + cluster + ": " + e.getMessage());
    }
    Properties props = new Properties();
    props.setProperty("user", c.credentials().user());
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("ApplicationName", APPLICATION_NAME);
    props.setProperty("connectTimeout", seconds(connectTimeout));
    props.setProperty("loginTimeout", seconds(connectTimeout));
    props.setProperty("socketTimeout", seconds(socketTimeout));
    props.setProperty("tcpKeepAlive", "true");
    String url = "jdbc:postgresql://" + hostPort(n) + "/" + database;
    try {
      return DriverManager.getConnection(url, props);
    } catch (SQLException e) {
      throw new NodeConnectException(describe(e, n, c.credentials().user(), password));
    }
  }

  /** A plain sentence for a failed connection attempt ("connection refused at 127.0.0.1:15433"). */
  static String describe(SQLException e, NodeConfig node, String user, String password) {
    String at = " at " + hostPort(node);
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused" + at;
      }
      if (t instanceof SocketTimeoutException) {
        return "connection timed out" + at;
      }
      if (t instanceof UnknownHostException) {
        return "unknown host " + node.host();
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host" + at;
      }
    }
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.equals("28P01") || state.equals("28000")) {
      return "login as " + user + " refused" + at + " (" + scrub(firstLine(e.getMessage()), password) + ")";
    }
    if (state.equals("57P03")) {
      return "server" + at + " is starting up or shutting down";
    }
    return scrub(firstLine(e.getMessage()), password) + at;
  }

  /**
   * Whether a SQL error after connecting means the connection is gone (SQLSTATE class 08, or an administrator
   * shutdown, crash or startup: 57P01-57P03), as opposed to an answer from a working server (permission, syntax).
   */
  public static boolean lostConnection(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
        || state.equals("57P03"));
  }

  /** Removes every occurrence of the secret, should a driver ever echo it. */
  public static String scrub(String text, String secret) {
    if (text == null || secret == null || secret.isEmpty()) {
      return text;
    }
    return text.replace(secret, "***");
  }

  private static String hostPort(NodeConfig n) {
    return (n.host().contains(":") ? "[" + n.host() + "]" : n.host()) + ":" + n.port();
  }

  private static String seconds(Duration d) {
    return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
  }

  /** No connection could be made; the message is safe to show and to store. */
  public static final class NodeConnectException extends Exception {
    public NodeConnectException(String message) {
      super(message, null, false, false);
    }
  }
}
