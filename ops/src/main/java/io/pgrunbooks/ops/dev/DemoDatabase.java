package io.pgrunbooks.ops.dev;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The demo database {@code app} of the local stack: two monthly range-partitioned tables in the
 * two naming styles of the seed runbooks, with rows in past months (some past retention) and a
 * few future partitions. Created once; later starts leave it as the runbooks left it.
 */
public final class DemoDatabase {
  /** Months of history of each table, and how many future months exist already. */
  static final int ROUTING_PAST_MONTHS = 6;
  static final int EVENTS_PAST_MONTHS = 27;
  static final int FUTURE_MONTHS = 2;

  private DemoDatabase() {}

  /** Creates database {@code app} and its tables if absent; returns what it created, one line each. */
  public static List<String> ensure(String host, int port, String user, String password, YearMonth now)
      throws SQLException {
    List<String> created = new ArrayList<>();
    try (Connection admin = connect(host, port, "postgres", user, password);
         Statement st = admin.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'app'")) {
        if (!rs.next()) {
          st.execute("CREATE DATABASE app");
          created.add("database app");
        }
      }
    }
    try (Connection app = connect(host, port, "app", user, password); Statement st = app.createStatement()) {
      // QueryReport and CreateIndex need both (the stack preloads pg_stat_statements on every node).
      st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      st.execute("CREATE EXTENSION IF NOT EXISTS hypopg");
      // Repack needs pg_repack in the database; IntegrityCheck creates amcheck itself (on the primary).
      st.execute("CREATE EXTENSION IF NOT EXISTS pg_repack");
      if (!exists(st, "public.agent_routing_metrics")) {
        st.execute("""
            CREATE TABLE public.agent_routing_metrics (
              id bigserial,
              agent_id text NOT NULL,
              route text NOT NULL,
              latency_ms integer NOT NULL,
              created_at timestamptz NOT NULL,
              PRIMARY KEY (id, created_at)
            ) PARTITION BY RANGE (created_at)""");
        for (int m = -ROUTING_PAST_MONTHS; m <= FUTURE_MONTHS; m++) {
          YearMonth ym = now.plusMonths(m);
          String name = String.format("agent_routing_metrics_%04d_%02d", ym.getYear(), ym.getMonthValue());
          createPartition(st, "agent_routing_metrics", name, ym);
        }
        // Every 2 hours of each past month and of this month up to its first day: ~360 rows a month.
        st.execute(String.format("""
            INSERT INTO public.agent_routing_metrics (agent_id, route, latency_ms, created_at)
            SELECT 'agent-' || (extract(epoch FROM t)::bigint %% 7), 'route-' || (extract(hour FROM t)::int %% 3),
                   (extract(epoch FROM t)::bigint %% 250)::int, t
            FROM generate_series(timestamptz '%s', timestamptz '%s', interval '2 hours') AS t""",
            start(now.minusMonths(ROUTING_PAST_MONTHS)), start(now)));
        created.add("table public.agent_routing_metrics (" + (ROUTING_PAST_MONTHS + FUTURE_MONTHS + 1) + " partitions)");
      }
      if (!exists(st, "public.domain_events")) {
        st.execute("""
            CREATE TABLE public.domain_events (
              id bigserial,
              aggregate_id text NOT NULL,
              event_type text NOT NULL,
              payload jsonb NOT NULL,
              occurred_at timestamptz NOT NULL,
              PRIMARY KEY (id, occurred_at)
            ) PARTITION BY RANGE (occurred_at)""");
        for (int m = -EVENTS_PAST_MONTHS; m <= FUTURE_MONTHS; m++) {
          YearMonth ym = now.plusMonths(m);
          String name = String.format("domain_events_y%04dm%02d", ym.getYear(), ym.getMonthValue());
          createPartition(st, "domain_events", name, ym);
        }
        st.execute(String.format("""
            INSERT INTO public.domain_events (aggregate_id, event_type, payload, occurred_at)
            SELECT 'order-' || (extract(epoch FROM t)::bigint %% 97),
                   (ARRAY['created','paid','shipped','cancelled'])[1 + (extract(epoch FROM t)::bigint / 21600) %% 4],
                   jsonb_build_object('amount', (extract(epoch FROM t)::bigint %% 1000) / 10.0, 'note', 'a, "quoted"
            line'),
                   t
            FROM generate_series(timestamptz '%s', timestamptz '%s', interval '6 hours') AS t""",
            start(now.minusMonths(EVENTS_PAST_MONTHS)), start(now)));
        created.add("table public.domain_events (" + (EVENTS_PAST_MONTHS + FUTURE_MONTHS + 1) + " partitions)");
      }
      if (!created.isEmpty()) {
        st.execute("ANALYZE");
      }
    }
    return created;
  }

  private static void createPartition(Statement st, String parent, String name, YearMonth ym) throws SQLException {
    st.execute(String.format("CREATE TABLE public.%s PARTITION OF public.%s FOR VALUES FROM ('%s') TO ('%s')",
        name, parent, start(ym), start(ym.plusMonths(1))));
  }

  private static String start(YearMonth ym) {
    return LocalDate.of(ym.getYear(), ym.getMonth(), 1).atStartOfDay().atOffset(ZoneOffset.UTC).toString();
  }

  private static boolean exists(Statement st, String table) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static Connection connect(String host, int port, String db, String user, String password)
      throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + db, p);
  }
}
