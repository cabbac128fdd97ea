package io.pgrunbooks.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.SharedStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PartitionsCommandTest {
  @Test
  void gridShowsExistingMissingExpiredAndDefaultRowsPerTable() throws Exception {
    LocalStack stack = SharedStack.get();
    PostgresNode primary = stack.postgres().currentPrimary();
    LocalDate m = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'pm_cli'")) {
        if (!rs.next()) {
          st.execute("CREATE DATABASE pm_cli");
        }
      }
    }
    try (Connection c = primary.connect("pm_cli"); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS public.grid CASCADE");
      st.execute("CREATE TABLE public.grid (id int, at timestamptz NOT NULL) PARTITION BY RANGE (at)");
      for (int i : new int[] {-4, -3, -2, 0, 1}) {
        LocalDate f = m.plusMonths(i);
        st.execute(String.format("CREATE TABLE public.grid_%d_%02d PARTITION OF public.grid FOR VALUES FROM ('%s') TO ('%s')",
            f.getYear(), f.getMonthValue(), f, f.plusMonths(1)));
      }
      st.execute("CREATE TABLE public.grid_default PARTITION OF public.grid DEFAULT");
      st.execute("INSERT INTO public.grid VALUES (1, '" + m.plusMonths(2) + " 12:00:00+00')");
    }
    Path config = Files.createTempFile("partitions-cli", ".yml");
    Files.writeString(config, """
        clusters:
          main:
            nodes:
              - {name: %s, host: %s, port: %d, dataDir: /tmp/x}
            credentials: {user: postgres, passwordEnv: PM_PASSWORD}
            databases:
              pm_cli:
                partitions:
                  - {table: public.grid, retention: 3mo, premake: 2}
        """.formatted(primary.name(), primary.host(), primary.port()));
    PartitionsCommand command = new PartitionsCommand();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    command.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    command.env = Map.of("PM_PASSWORD", SharedStack.PASSWORD);

    int exit = new CommandLine(command).execute("--config", config.toString(), "--cluster", "main", "--database", "pm_cli");

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    assertThat(out).contains("public.grid (month)").contains("|x##.##D|")
        .contains("5 partitions, 2 missing, 1 expired, 1 rows in default");
  }

  @Test
  void gridRefusesAnIntegerRangeKeyWithTheRunbooksReason() throws Exception {
    // The grid reads the catalog with the runbook's own reader (module catalog): same checks, same words.
    LocalStack stack = SharedStack.get();
    PostgresNode primary = stack.postgres().currentPrimary();
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'pm_cli'")) {
        if (!rs.next()) {
          st.execute("CREATE DATABASE pm_cli");
        }
      }
    }
    try (Connection c = primary.connect("pm_cli"); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS public.by_id CASCADE");
      st.execute("CREATE TABLE public.by_id (id int NOT NULL) PARTITION BY RANGE (id)");
      st.execute("CREATE TABLE public.by_id_1 PARTITION OF public.by_id FOR VALUES FROM (0) TO (1000)");
    }
    Path config = Files.createTempFile("partitions-cli", ".yml");
    Files.writeString(config, """
        clusters:
          main:
            nodes:
              - {name: %s, host: %s, port: %d, dataDir: /tmp/x}
            credentials: {user: postgres, passwordEnv: PM_PASSWORD}
            databases:
              pm_cli:
                partitions:
                  - {table: public.by_id, retention: 3mo, premake: 2}
        """.formatted(primary.name(), primary.host(), primary.port()));
    PartitionsCommand command = new PartitionsCommand();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    command.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    command.env = Map.of("PM_PASSWORD", SharedStack.PASSWORD);

    new CommandLine(command).execute("--config", config.toString(), "--cluster", "main", "--database", "pm_cli");

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("public.by_id: the range key id is integer; only date, timestamp and timestamptz are supported")
        .doesNotContain("public.by_id: public.by_id");
  }
}
