package io.pgrunbooks.activities.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresIntegrityActivitiesImpl;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresCluster;
import io.pgrunbooks.ops.stack.PostgresClusterOptions;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.Prerequisites;
import io.pgrunbooks.workflows.activities.IntegrityActivities.IntegrityFindings;
import io.pgrunbooks.workflows.activities.IntegrityActivities.IntegrityPlan;
import io.pgrunbooks.workflows.activities.IntegrityActivities.IntegrityTarget;
import io.pgrunbooks.workflows.activities.IntegrityActivities.NodeChecksums;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * amcheck against real corruption: a throwaway PostgreSQL (initdb in a temp dir, never the shared stack) whose
 * btree leaf page gets two line pointers swapped while the server is down.
 */
class IntegrityCheckOnScratchInstanceTest {
  private static final String PW = "scratch-pw";
  private static final String DB = "scratch";
  private static PostgresCluster scratch;
  private static PostgresIntegrityActivitiesImpl activities;

  @BeforeAll
  static void setUp() throws Exception {
    scratch = PostgresCluster.start(new PostgresClusterOptions(Files.createTempDirectory("pgrb-amcheck-"), "scratch",
        0, List.of(), List.of(), PW, false));
    PostgresNode node = scratch.primary();
    try (Connection c = node.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + DB);
    }
    try (Connection c = node.connect(DB); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE public.healthy (id int PRIMARY KEY, v text)");
      st.execute("INSERT INTO public.healthy SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
      st.execute("CREATE TABLE public.victim (id int, v text)");
      st.execute("INSERT INTO public.victim SELECT g, 'row ' || g FROM generate_series(1, 100) g");
      // 100 int keys fit one leaf page: block 1, root and rightmost, so line pointer 1 is the first key.
      st.execute("CREATE INDEX victim_id_idx ON public.victim (id)");
      st.execute("CHECKPOINT");
    }
    Path file;
    try (Connection c = node.connect(DB); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT pg_relation_filepath('public.victim_id_idx')")) {
      rs.next();
      file = node.dataDir().resolve(rs.getString(1));
    }
    node.stop();
    // The stack's initdb turns data checksums on; with them the buffer manager, not amcheck, would notice first.
    Process off = new ProcessBuilder(Prerequisites.asPostgresUser(List.of(new Prerequisites().pgTool("pg_checksums")
        .toString(), "--disable", "-D", node.dataDir().toString()))).redirectErrorStream(true).start();
    String out = new String(off.getInputStream().readAllBytes());
    assertThat(off.waitFor(60, TimeUnit.SECONDS) && off.exitValue() == 0).as(out).isTrue();
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      // Page header is 24 bytes, then 4-byte line pointers: swap the first two (keys 1 and 2) on block 1.
      long lp = 8192L + 24;
      byte[] a = new byte[4];
      byte[] b = new byte[4];
      raf.seek(lp);
      raf.readFully(a);
      raf.readFully(b);
      raf.seek(lp);
      raf.write(b);
      raf.write(a);
    }
    node.start();
    String yaml = """
        clusters:
          scratch:
            nodes:
              - name: scratch
                host: %s
                port: %d
                dataDir: %s
            credentials:
              user: postgres
              passwordEnv: SCRATCH_PW
        """.formatted(node.host(), node.port(), node.dataDir().toAbsolutePath());
    Map<String, String> env = Map.of("SCRATCH_PW", PW);
    RunbooksConfig config = ConfigLoader.parse(yaml, env, "scratch");
    activities = new PostgresIntegrityActivitiesImpl(config,
        new ConnectionFactory(config, () -> env, Duration.ofSeconds(5), Duration.ofSeconds(60)));
  }

  @AfterAll
  static void tearDown() {
    if (scratch != null) {
      scratch.close();
    }
  }

  @Test
  void swappedBtreeItemsAreReportedWithAmchecksMessageAndHealthyRelationsAreNot() {
    // A dry run creates nothing, not even the extension.
    IntegrityPlan dry = activities.planIntegrity(new IntegrityTarget("scratch", DB, null, List.of(), false, true));
    assertThat(dry.createdExtension()).isFalse();
    assertThat(dry.notes()).anyMatch(n -> n.startsWith("dry run: amcheck is not installed"));
    IntegrityTarget target = new IntegrityTarget("scratch", DB, null, List.of(), false, false);
    IntegrityPlan plan = activities.planIntegrity(target);
    assertThat(plan.node()).isEqualTo("scratch");
    assertThat(plan.replica()).isFalse();
    assertThat(plan.notes()).anyMatch(n -> n.contains("no reachable replica"));
    assertThat(plan.createdExtension()).isTrue();
    assertThat(plan.tables()).containsExactly("public.healthy", "public.victim");

    IntegrityFindings found = activities.checkRelations(target, plan);
    System.out.println("amcheck on the scratch instance: " + found);
    assertThat(found.tablesChecked()).isEqualTo(2);
    assertThat(found.indexesChecked()).isEqualTo(2);
    assertThat(found.corruptions()).hasSize(1);
    assertThat(found.corruptions().get(0).relation()).isEqualTo("public.victim_id_idx");
    assertThat(found.corruptions().get(0).kind()).isEqualTo("btree");
    assertThat(found.corruptions().get(0).message()).contains("item order invariant violated");

    // Second run: amcheck is there now; asking for the healthy table only finds nothing.
    IntegrityTarget healthy = new IntegrityTarget("scratch", DB, null, List.of("public.healthy"), true, false);
    IntegrityPlan again = activities.planIntegrity(healthy);
    assertThat(again.createdExtension()).isFalse();
    assertThat(activities.checkRelations(healthy, again).corruptions()).isEmpty();

    List<NodeChecksums> sums = activities.checksumFailures("scratch");
    assertThat(sums).singleElement().satisfies(n -> {
      assertThat(n.problem()).isNull();
      assertThat(n.dataChecksums()).isFalse();
      assertThat(n.total()).isZero();
    });
  }

  @Test
  void unknownTableOrNodeIsBadInputBeforeAnythingIsCreated() {
    assertThatThrownBy(() -> activities.planIntegrity(new IntegrityTarget("scratch", DB, null,
        List.of("public.nope"), false, false))).isInstanceOfSatisfying(ApplicationFailure.class,
        f -> assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT));
    assertThatThrownBy(() -> activities.planIntegrity(new IntegrityTarget("scratch", DB, "pg9", List.of(), false, false)))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getMessage()).contains("unknown node"));
  }
}
