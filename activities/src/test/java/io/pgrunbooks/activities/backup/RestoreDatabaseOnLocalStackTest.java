package io.pgrunbooks.activities.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.backup.BackupManifest;
import io.pgrunbooks.workflows.backup.DumpInput;
import io.pgrunbooks.workflows.backup.PostgresBackupActivities;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.CountRestoredInput;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.RenameInput;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.RestoreFacts;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.RestoreIntoInput;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.RestoreTarget;
import io.pgrunbooks.workflows.restoredatabase.RestoreDatabaseActivities.RestoredDatabase;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** RestoreDatabase's activities on the real stack: a real pg_dump backup in the S3 store restored on the primary. */
class RestoreDatabaseOnLocalStackTest {
  private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void aRealBackupIsRestoredIntoAMarkedDatabaseRedoneOnRetryAndSwappedByRenames() {
    RunbooksConfig cfg = BackupStackFixture.config(prefix, "", "");
    PostgresNode primary = TestStack.stack().postgres().currentPrimary();
    String db = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String target = db + "_restored";
    String before = db + "_before_20261206t190000";
    String marker = "pg-runbooks RestoreDatabase restore-database:test:" + target + " run 1";
    primary.psql("postgres", "CREATE DATABASE " + db);
    primary.psql(db, """
        CREATE SCHEMA sales;
        CREATE TABLE sales.orders (id int PRIMARY KEY, total numeric);
        INSERT INTO sales.orders SELECT g, g FROM generate_series(1, 5000) g;
        CREATE TABLE public.empty (id int);
        """);
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      env.registerActivitiesImplementations(new PostgresBackupActivitiesImpl(cfg, BackupStackFixture.env()),
          new RestoreDatabaseActivitiesImpl(cfg, BackupStackFixture.env()));
      ActivityOptions once = ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(5))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build();
      PostgresBackupActivities dump = env.newActivityStub(PostgresBackupActivities.class, once);
      RestoreDatabaseActivities restore = env.newActivityStub(RestoreDatabaseActivities.class, once);
      String key = prefix + "/backups/" + TestStack.CLUSTER + "/" + db + "/20261206T190000Z/";
      BackupManifest m = dump.dumpToStore(new DumpInput(TestStack.CLUSTER, db, primary.name(), key, "wf", "run"));
      // Written after the backup: the restored copy must not have it.
      primary.psql(db, "INSERT INTO sales.orders VALUES (5001, 1)");

      RestoreTarget names = new RestoreTarget(TestStack.CLUSTER, db, target, before, marker);
      RestoreFacts facts = restore.inspectRestore(names);
      assertThat(facts.databaseExists()).isTrue();
      assertThat(facts.targetExists()).isFalse();
      assertThat(facts.primary()).isEqualTo(primary.name());

      RestoreIntoInput in = new RestoreIntoInput(TestStack.CLUSTER, db, target, marker, m.dumpKey(), m.sha256(),
          m.dumpBytes(), 2);
      RestoredDatabase first = restore.restoreIntoTarget(in);
      assertThat(first.redone()).isFalse();
      assertThat(first.restoredBytes()).isPositive();
      assertThat(restore.countRestoredRows(new CountRestoredInput(TestStack.CLUSTER, target, m.tables())))
          .extracting(t -> t.qualified() + "=" + t.rows()).contains("sales.orders=5000", "public.empty=0");
      assertThat(primary.psql("postgres", "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
          + " WHERE datname = '" + target + "'").strip()).isEqualTo(marker);

      // A retry of the same run finds its own marker: dropped and redone.
      assertThat(restore.restoreIntoTarget(in).redone()).isTrue();
      // Another run's marker: refused, nothing dropped.
      Throwable refused = catchThrowable(() -> restore.restoreIntoTarget(new RestoreIntoInput(TestStack.CLUSTER, db,
          target, marker + "-other", m.dumpKey(), m.sha256(), m.dumpBytes(), 2)));
      assertThat(refused).hasStackTraceContaining("does not carry this run's marker");
      assertThat(primary.psql(target, "SELECT count(*) FROM sales.orders").strip()).isEqualTo("5000");

      // The swap's renames, with a session still connected to the live database.
      try (var session = primary.connect(db)) {
        assertThat(restore.renameDatabase(new RenameInput(TestStack.CLUSTER, db, before))).contains("1 sessions ended");
      } catch (java.sql.SQLException closedByTermination) {
        // the session was ended by the rename
      }
      restore.renameDatabase(new RenameInput(TestStack.CLUSTER, target, db));
      assertThat(restore.renameDatabase(new RenameInput(TestStack.CLUSTER, target, db))).contains("already renamed");
      assertThat(primary.psql(db, "SELECT count(*) FROM sales.orders").strip()).isEqualTo("5000");
      assertThat(primary.psql(before, "SELECT count(*) FROM sales.orders").strip()).isEqualTo("5001");
      RestoreFacts after = restore.inspectRestore(names);
      assertThat(after.databaseComment()).isEqualTo(marker);
      assertThat(after.beforeExists()).isTrue();
      assertThat(after.targetExists()).isFalse();
    } finally {
      env.close();
      for (String name : new String[] {db, target, before}) {
        primary.psql("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
  }
}
