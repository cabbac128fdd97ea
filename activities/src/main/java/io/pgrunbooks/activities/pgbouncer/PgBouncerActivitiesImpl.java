package io.pgrunbooks.activities.pgbouncer;

import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.PgBouncerConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.PgBouncerActivities;
import io.pgrunbooks.workflows.activities.PgBouncerDatabaseActivities;
import io.pgrunbooks.workflows.activities.PgBouncerDatabaseActivities.DatabaseBouncerInput;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link PgBouncerActivities} of the node agent on PgBouncer's host. Refuses to act for a cluster whose
 * {@code pgbouncer.node} is another node: the config file it rewrites is on that host.
 */
public class PgBouncerActivitiesImpl implements PgBouncerActivities, PgBouncerDatabaseActivities {
  private static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern ENTRY = Pattern.compile("^(\\s*[^;#=\\s][^=]*?\\s*=\\s*)(.*)$");

  private final RunbooksConfig config;
  private final String nodeName;
  private final BouncerConnections bouncer;

  public PgBouncerActivitiesImpl(RunbooksConfig config, String nodeName, Map<String, String> env) {
    this.config = config;
    this.nodeName = nodeName;
    this.bouncer = new BouncerConnections(config, env);
  }

  @Override
  public String pauseBouncer(BouncerInput input) {
    own(input.cluster());
    return console(input.cluster(), "PAUSE", "already", "PgBouncer paused");
  }

  @Override
  public String resumeBouncer(BouncerInput input) {
    own(input.cluster());
    return console(input.cluster(), "RESUME", "not paused", "PgBouncer resumed");
  }

  @Override
  public String pauseDatabase(DatabaseBouncerInput input) {
    own(input.cluster());
    return console(input.cluster(), "PAUSE " + database(input.database()), "already",
        "PgBouncer paused " + input.database());
  }

  @Override
  public String resumeDatabase(DatabaseBouncerInput input) {
    own(input.cluster());
    return console(input.cluster(), "RESUME " + database(input.database()), "not paused",
        "PgBouncer resumed " + input.database());
  }

  /** The admin console takes the name raw: only plain names get there. */
  private static String database(String name) {
    if (name == null || !DATABASE.matcher(name).matches()) {
      throw Lookups.badInput("\"" + name + "\" is not a plain lower-case database name");
    }
    return name;
  }

  @Override
  public String repointBouncer(RepointInput input) {
    PgBouncerConfig b = own(input.cluster());
    if (b.configFile() == null) {
      throw Lookups.config("clusters." + input.cluster() + ".pgbouncer.configFile is not set: cannot repoint PgBouncer");
    }
    Path file = Path.of(b.configFile());
    try {
      String before = Files.readString(file, StandardCharsets.UTF_8);
      String after = repoint(before, input.fromHost(), input.fromPort(), input.host(), input.port());
      if (!after.equals(before)) {
        writeKeepingOwner(file, after);
      }
      console(input.cluster(), "RELOAD", null, "");
      return (after.equals(before) ? "already pointed" : "pointed") + " [databases] of " + file + " at " + input.node()
          + " (" + input.host() + ":" + input.port() + "), RELOAD";
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("cannot rewrite " + file + ": " + e.getMessage(), "BouncerConfigFailed");
    }
  }

  /**
   * The entries of the [databases] section that point at {@code fromHost:fromPort} (every entry when
   * {@code fromHost} is null) get host= and port= of the new primary; their other settings, and other entries, stay.
   */
  static String repoint(String ini, String fromHost, int fromPort, String host, int port) {
    List<String> out = new ArrayList<>();
    boolean inDatabases = false;
    for (String line : ini.split("\n", -1)) {
      String t = line.strip();
      if (t.startsWith("[")) {
        inDatabases = t.equalsIgnoreCase("[databases]");
      } else if (inDatabases) {
        Matcher m = ENTRY.matcher(line);
        if (m.matches() && (fromHost == null || pointsAt(m.group(2), fromHost, fromPort))) {
          line = m.group(1) + withHostPort(m.group(2), host, port);
        }
      }
      out.add(line);
    }
    return String.join("\n", out);
  }

  /** Whether a connection string names {@code host} and {@code port} (PgBouncer's default port is 5432). */
  static boolean pointsAt(String connstr, String host, int port) {
    String h = null;
    int p = 5432;
    for (String kv : connstr.strip().split("\\s+")) {
      if (kv.startsWith("host=")) {
        h = kv.substring(5);
      } else if (kv.startsWith("port=")) {
        try {
          p = Integer.parseInt(kv.substring(5));
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return host.equals(h) && p == port;
  }

  private static String withHostPort(String connstr, String host, int port) {
    List<String> parts = new ArrayList<>();
    for (String kv : connstr.strip().split("\\s+")) {
      if (!kv.isEmpty() && !kv.startsWith("host=") && !kv.startsWith("port=")) {
        parts.add(kv);
      }
    }
    parts.add(0, "port=" + port);
    parts.add(0, "host=" + host);
    return String.join(" ", parts);
  }

  static void writeKeepingOwner(Path file, String text) throws IOException {
    writeLike(file, text, file);
  }

  /** Replaces {@code file} atomically (temp file + rename) with owner and mode of {@code like}. */
  static void writeLike(Path file, String text, Path like) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".runbooks-tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    PosixFileAttributes attrs = Files.readAttributes(like, PosixFileAttributes.class);
    PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
    view.setPermissions(attrs.permissions());
    try {
      view.setOwner(attrs.owner());
      view.setGroup(attrs.group());
    } catch (IOException notRoot) {
      // an agent that is not root writes files it owns anyway
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private String console(String cluster, String command, String alreadyMarker, String done) {
    try (Connection c = bouncer.admin(cluster, 120); Statement s = c.createStatement()) {
      s.execute(command);
      return done.isEmpty() ? command : done;
    } catch (SQLException e) {
      String msg = ActivitySupport.firstLine(e.getMessage());
      if (alreadyMarker != null && msg.contains(alreadyMarker)) {
        return done + " (" + msg + ")";
      }
      throw ApplicationFailure.newFailure("PgBouncer " + command + " failed: " + msg, FailureTypes.UNREACHABLE);
    }
  }

  private PgBouncerConfig own(String cluster) {
    PgBouncerConfig b = bouncer.of(cluster);
    if (!nodeName.equals(b.node())) {
      throw Lookups.badInput("the agent of " + nodeName + " was asked to drive the PgBouncer of cluster " + cluster
          + ", which clusters." + cluster + ".pgbouncer.node puts on " + b.node() + "; refusing");
    }
    return b;
  }
}
