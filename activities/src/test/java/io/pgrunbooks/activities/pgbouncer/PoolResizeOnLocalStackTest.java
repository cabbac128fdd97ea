package io.pgrunbooks.activities.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PgBouncerServer;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities.Pool;
import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities.PoolsInput;
import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities.ResizeInput;
import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities.Resized;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PoolResize's agent side against the real PgBouncer of the shared local stack: its real pgbouncer.ini, RELOAD, SHOW DATABASES. */
class PoolResizeOnLocalStackTest {
  private PgBouncerServer bouncer;
  private Path ini;
  private byte[] original;
  private String edited;
  private PgBouncerPoolActivitiesImpl pools;

  @BeforeEach
  void setUp() throws Exception {
    bouncer = TestStack.stack().pgbouncer();
    ini = bouncer.iniFile();
    original = Files.readAllBytes(ini);
    PostgresNode primary = TestStack.stack().postgres().primary();
    String text = new String(original, StandardCharsets.UTF_8);
    // Comments of both kinds, an entry with a reserve, and CRLF on one line: all must survive byte-for-byte.
    edited = text.replaceFirst("\\[databases\\]\n", "[databases]\n; pools for the billing app (by hand, 2026-11)\n"
        + "app_pool = host=127.0.0.1 port=" + primary.port() + " dbname=postgres pool_size=5\n"
        + "#   keep other_pool small: batch jobs\n"
        + "other_pool   =   host=127.0.0.1 port=" + primary.port() + " dbname=postgres pool_size=7 reserve_pool=1\r\n");
    PgBouncerActivitiesImpl.writeKeepingOwner(ini, edited);
    reload();
    pools = new PgBouncerPoolActivitiesImpl(config(primary.name()), primary.name(), TestStack.env());
  }

  @AfterEach
  void restore() throws Exception {
    PgBouncerActivitiesImpl.writeKeepingOwner(ini, new String(original, StandardCharsets.UTF_8));
    Files.deleteIfExists(saved());
    reload();
  }

  @Test
  void resizeRewritesOnlyTheEntryReloadsAndShowsTheNewSize() throws Exception {
    Resized r = pools.resizeBouncerPool(new ResizeInput(TestStack.CLUSTER, "app_pool", 9, 2));

    assertThat(r.before().poolSize()).isEqualTo(5);
    assertThat(r.shownPoolSize()).isEqualTo(9);
    assertThat(r.fileChanged()).isTrue();
    assertThat(Files.readString(ini)).isEqualTo(edited.replace("dbname=postgres pool_size=5\n",
        "dbname=postgres pool_size=9 reserve_pool=2\n"));
    assertThat(shownPoolSize("app_pool")).isEqualTo(9);
    assertThat(shownPoolSize("other_pool")).isEqualTo(7);
    assertThat(saved()).doesNotExist();
  }

  @Test
  void anAgentThatDiedBetweenWriteAndReloadConvergesOnTheNextAttempt() throws Exception {
    // What the first attempt left: the saved copy and the new file, but no RELOAD.
    PgBouncerActivitiesImpl.writeLike(saved(), edited, ini);
    PgBouncerActivitiesImpl.writeKeepingOwner(ini, PoolEntries.withPoolSize(edited, "other_pool", 12, null));
    assertThat(shownPoolSize("other_pool")).isEqualTo(7);

    Resized r = pools.resizeBouncerPool(new ResizeInput(TestStack.CLUSTER, "other_pool", 12, null));

    assertThat(r.fileChanged()).isFalse();
    assertThat(r.before().poolSize()).as("read from the saved copy").isEqualTo(7);
    assertThat(shownPoolSize("other_pool")).isEqualTo(12);
    assertThat(Files.readString(ini)).isEqualTo(edited.replace("pool_size=7 reserve_pool=1\r\n",
        "pool_size=12 reserve_pool=1\r\n"));
    assertThat(saved()).doesNotExist();
  }

  @Test
  void revertingIsTheSameResizeBackToTheOldSize() throws Exception {
    pools.resizeBouncerPool(new ResizeInput(TestStack.CLUSTER, "app_pool", 9, null));
    pools.resizeBouncerPool(new ResizeInput(TestStack.CLUSTER, "app_pool", 5, null));

    assertThat(Files.readString(ini)).isEqualTo(edited);
    assertThat(shownPoolSize("app_pool")).isEqualTo(5);
  }

  @Test
  void aSizeThePgBouncerDoesNotShowAfterReloadPutsThePreviousFileBack() throws Exception {
    // A hand-edited duplicate further down: PgBouncer keeps the later line, so the rewritten first one never shows.
    String withDuplicate = edited.replace("#   keep other_pool small", "app_pool = host=127.0.0.1 port="
        + TestStack.stack().postgres().primary().port() + " dbname=postgres pool_size=6\n#   keep other_pool small");
    PgBouncerActivitiesImpl.writeKeepingOwner(ini, withDuplicate);
    reload();
    int before = shownPoolSize("app_pool");

    assertThatThrownBy(() -> pools.resizeBouncerPool(new ResizeInput(TestStack.CLUSTER, "app_pool", 9, null)))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(PgBouncerPoolActivitiesImpl.FAILED);
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage()).contains("SHOW DATABASES says pool_size=" + before,
              "was restored and reloaded");
        });
    assertThat(Files.readString(ini)).isEqualTo(withDuplicate);
    assertThat(shownPoolSize("app_pool")).isEqualTo(before);
    assertThat(saved()).doesNotExist();
  }

  @Test
  void anUnknownEntryIsBadInputAndTheFileIsUntouched() throws Exception {
    assertThatThrownBy(() -> pools.resizeBouncerPool(new ResizeInput(TestStack.CLUSTER, "no_such_pool", 9, null)))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(FailureTypes.BAD_INPUT);
          assertThat(f.getOriginalMessage()).contains("no_such_pool", "app_pool", "other_pool");
        });
    assertThat(Files.readString(ini)).isEqualTo(edited);
  }

  @Test
  void poolsAreReadWithTheirEffectiveSizes() {
    assertThat(pools.readBouncerPools(new PoolsInput(TestStack.CLUSTER)))
        .extracting(Pool::name, Pool::poolSize, Pool::reservePool, Pool::explicitPoolSize)
        .contains(org.assertj.core.groups.Tuple.tuple("app_pool", 5, 0, true),
            org.assertj.core.groups.Tuple.tuple("other_pool", 7, 1, true));
  }

  private Path saved() {
    return ini.resolveSibling("." + ini.getFileName() + ".runbooks-resize-saved");
  }

  private void reload() throws Exception {
    try (Connection c = bouncer.connectAdmin(); Statement s = c.createStatement()) {
      s.execute("RELOAD");
    }
  }

  private int shownPoolSize(String name) throws Exception {
    try (Connection c = bouncer.connectAdmin(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW DATABASES")) {
      while (rs.next()) {
        if (name.equals(rs.getString("name"))) {
          return rs.getInt("pool_size");
        }
      }
      return -1;
    }
  }

  private RunbooksConfig config(String bouncerNode) {
    StringBuilder yaml = new StringBuilder("clusters:\n  " + TestStack.CLUSTER + ":\n    nodes:\n");
    for (PostgresNode n : TestStack.stack().postgres().nodes()) {
      yaml.append("      - {name: %s, host: %s, port: %d, dataDir: %s}\n".formatted(n.name(), n.host(), n.port(),
          n.dataDir().toAbsolutePath()));
    }
    yaml.append("""
            credentials:
              user: postgres
              passwordEnv: %s
            pgbouncer:
              host: %s
              port: %d
              node: %s
              adminUser: postgres
              configFile: %s
        """.formatted(TestStack.PASSWORD_ENV, bouncer.host(), bouncer.port(), bouncerNode, ini));
    return ConfigLoader.parse(yaml.toString(), TestStack.env(), "pool-resize-test");
  }
}
