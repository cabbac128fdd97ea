package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.firstLine;
import static io.pgrunbooks.activities.ActivitySupport.heartbeat;

import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.RepackActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@link RepackActivities}: catalog reads over PgJDBC and the {@code pg_repack} client as a child process of the
 * central worker (see the interface for why there).
 */
public class PostgresRepackActivitiesImpl implements RepackActivities {
  /** Failure type of a repack that failed or was killed (after its objects were dropped). */
  public static final String REPACK_FAILED = "RepackFailed";
  public static final String INSTALL = "apt-get install -y postgresql-15-repack";
  private static final long HEARTBEAT_MILLIS = 5000;

  private final RunbooksConfig config;
  private final ConnectionFactory connections;
  private final Supplier<Map<String, String>> env;

  public PostgresRepackActivitiesImpl(RunbooksConfig config, ConnectionFactory connections,
                                      Supplier<Map<String, String>> env) {
    this.config = config;
    this.connections = connections;
    this.env = env;
  }

  /** The pg_repack client: PATH, then /usr/lib/postgresql/N/bin; null when none. */
  static Path client() {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "pg_repack"));
      }
    }
    candidates.add(Path.of("/usr/lib/postgresql/15/bin/pg_repack"));
    return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
  }

  private static String clientVersion(Path client) {
    try {
      Process p = new ProcessBuilder(client.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Override
  public RepackFacts inspectRepack(RepackTarget target) {
    try (Primary p = Primary.open(config, connections, target.cluster(), target.database())) {
      Path client = client();
      String problem = client == null ? "the pg_repack client is not installed on the worker host: " + INSTALL
          : RepackSql.extensionProblem(p.connection(), target.database(), clientVersion(client));
      return RepackSql.facts(p.connection(), p.node(), target, problem);
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("reading " + target.table() + " failed: " + firstLine(e.getMessage()),
          PostgresActivitiesImpl.SQL_ERROR);
    }
  }

  @Override
  public List<String> cleanupRepack(RepackTarget target) {
    try (Primary p = Primary.open(config, connections, target.cluster(), target.database())) {
      return RepackSql.cleanup(p.connection(), target);
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("dropping what pg_repack left failed: " + firstLine(e.getMessage()),
          PostgresActivitiesImpl.SQL_ERROR);
    }
  }

  @Override
  public RepackOutcome repack(RepackTarget target) {
    Path client = client();
    if (client == null) {
      throw Lookups.config("the pg_repack client is not installed on the worker host: " + INSTALL);
    }
    long started = System.nanoTime();
    try (Primary p = Primary.open(config, connections, target.cluster(), target.database())) {
      Connection c = p.connection();
      Object[] r = RepackSql.resolve(c, target);
      long oid = (Long) r[0];
      String table = (String) r[1];
      // A retry, or a run after a killed one: pg_repack refuses a table whose trigger already exists.
      List<String> cleaned = RepackSql.cleanup(c, target);
      long[] before = RepackSql.sizes(c, oid);
      String[] parts = table.split("\\.", 2);
      ClusterConfig cluster = Lookups.cluster(config, target.cluster());
      NodeConfig node = Lookups.node(cluster, target.cluster(), p.node());
      ProcessBuilder pb = new ProcessBuilder(client.toString(), "--no-password", "--host", node.host(), "--port",
          Integer.toString(node.port()), "--username", cluster.credentials().user(), "--dbname", target.database(),
          "--table", Identifiers.quote(parts[0], parts[1]), "--no-kill-backend", "--wait-timeout", "60")
          .redirectErrorStream(true);
      String password = password(cluster, target.cluster());
      if (password != null) {
        pb.environment().put("PGPASSWORD", password);
      }
      Process proc = pb.start();
      List<String> output = new ArrayList<>();
      Thread reader = tail(proc, output);
      try {
        while (!proc.waitFor(HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS)) {
          long copied = RepackSql.copyBytes(c, oid);
          // Cancellation and heartbeat timeouts surface here: the finally below kills pg_repack and cleans up.
          heartbeat("pg_repack " + table + ": " + last(output, password) + (copied < 0 ? ""
              : "; copy " + copied + " of ~" + before[0] + " bytes"));
        }
        reader.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        if (proc.isAlive()) {
          ActivitySupport.killTree(proc);
        }
      }
      if (!proc.isAlive() && proc.exitValue() == 0 && RepackSql.leftovers(c, oid, table).isEmpty()) {
        long[] after = RepackSql.sizes(c, oid);
        return new RepackOutcome(before[0], before[1], after[0], after[1], cleaned, last(output, password),
            (System.nanoTime() - started) / 1_000_000_000L);
      }
      List<String> dropped = RepackSql.cleanup(c, target);
      throw ApplicationFailure.newNonRetryableFailure("pg_repack of " + table + " failed (exit "
          + (proc.isAlive() ? "none" : proc.exitValue()) + "): " + last(output, password)
          + (dropped.isEmpty() ? "; nothing was left behind" : "; dropped what it left: " + dropped), REPACK_FAILED);
    } catch (IOException e) {
      throw Lookups.config("cannot start " + client + ": " + e.getMessage());
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure("pg_repack of " + target.table() + " failed: " + firstLine(e.getMessage()),
          PostgresActivitiesImpl.SQL_ERROR);
    } catch (RuntimeException e) {
      if (!(e instanceof ApplicationFailure)) {
        cleanupQuietly(target);
      }
      throw e;
    }
  }

  /** After a cancellation the connection may be gone with the interrupt: a new one drops what pg_repack left. */
  private void cleanupQuietly(RepackTarget target) {
    try {
      cleanupRepack(target);
    } catch (RuntimeException ignored) {
      // the workflow's cleanup step runs again
    }
  }

  private static Thread tail(Process proc, List<String> output) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (output) {
            output.add(line.strip());
            if (output.size() > 20) {
              output.remove(0);
            }
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "pg_repack-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String last(List<String> output, String secret) {
    synchronized (output) {
      // pg_repack repeats "Waiting for N transactions" every second: the distinct last lines say more.
      String line = output.isEmpty() ? "(no output yet)" : String.join(" | ", new java.util.LinkedHashSet<>(
          output.subList(Math.max(0, output.size() - 3), output.size())));
      return secret == null || secret.isEmpty() ? line : line.replace(secret, "***");
    }
  }

  private String password(ClusterConfig c, String name) {
    try {
      return c.credentials().resolvePassword(env.get());
    } catch (IllegalStateException e) {
      throw Lookups.config("cluster " + name + ": " + e.getMessage());
    }
  }
}
