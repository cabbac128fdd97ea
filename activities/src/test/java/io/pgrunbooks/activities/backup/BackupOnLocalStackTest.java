package io.pgrunbooks.activities.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.backup.PostgresBackupActivities;
import io.pgrunbooks.workflows.backup.BackupInput;
import io.pgrunbooks.workflows.backup.DumpInput;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import io.pgrunbooks.workflows.backup.BackupManifest;
import io.pgrunbooks.workflows.backup.BackupResult;
import io.pgrunbooks.workflows.backup.BackupWorkflow;
import io.pgrunbooks.workflows.backup.BackupWorkflowImpl;
import io.pgrunbooks.workflows.backupverification.BackupVerificationInput;
import io.pgrunbooks.workflows.backupverification.BackupVerificationResult;
import io.pgrunbooks.workflows.backupverification.BackupVerificationWorkflow;
import io.pgrunbooks.workflows.backupverification.BackupVerificationWorkflowImpl;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Backup and BackupVerification on the real stack: PostgreSQL primary + replica, S3 store, a separate verification instance. */
class BackupOnLocalStackTest {
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

  private void start(RunbooksConfig cfg) {
    env = TestEnvironments.newEnvironment();
    client = env.getWorkflowClient();
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(BackupWorkflowImpl.class, BackupVerificationWorkflowImpl.class);
    Object[] activities = BackupStackFixture.activities(cfg);
    worker.registerActivitiesImplementations(activities);
    // The dump and the verification restore run on the heavy queue, as in the worker.
    env.newWorker(TaskQueues.HEAVY).registerActivitiesImplementations(java.util.Arrays.stream(activities)
        .filter(a -> a instanceof PostgresBackupActivities).toArray());
    env.start();
  }

  @AfterEach
  void tearDown() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void backupThenVerificationPassesOnADatabaseWithSchemasSequencesViewsAndAnExtension() throws Exception {
    start(BackupStackFixture.config(prefix, "", ""));
    String db = richDatabase(200_000);

    BackupResult backup = backup(db);
    assertThat(backup.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(backup.source()).isEqualTo("pg2");
    BackupManifest m = backup.manifest();
    assertThat(m.role()).isEqualTo("replica");
    assertThat(m.tables()).extracting(t -> t.qualified() + "=" + t.rows()).contains(
        "public.big=200000", "public.empty=0", "sales.orders=3", "audit.log=0");
    assertThat(m.sha256()).hasSize(64);
    assertThat(m.pgDumpVersion()).contains("pg_dump");
    assertThat(keys(backup.backupKey())).contains(backup.backupKey() + "dump.pgdump", backup.backupKey() + "manifest.json");

    BackupVerificationResult v = verification(db, null).run(BackupVerificationInput.of(TestStack.CLUSTER, db, null));
    assertThat(v.passed()).isTrue();
    assertThat(v.backupKey()).isEqualTo(backup.backupKey());
    assertThat(v.differences()).isEmpty();
    assertThat(v.amcheck().available()).as(v.amcheck().detail()).isTrue();
    assertThat(v.amcheck().passed()).isTrue();
    assertThat(v.restore().restoredBytes()).isPositive();
    assertThat(v.scratchDropped()).isTrue();
    assertThat(v.report().changes()).anyMatch(c -> c.contains("dropped scratch database"));
    assertThat(scratchDatabases()).isEmpty();
    assertThat(keys(backup.backupKey())).contains(backup.backupKey() + "verification.json");
    // The restored database has the sequence's position, the view and the extension.
    assertThat(v.backupAgeSeconds()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void rowsWrittenDuringTheBackupDoNotBreakTheCountMatch() throws Exception {
    start(BackupStackFixture.config(prefix, "preferReplica: false", ""));
    String db = richDatabase(300_000);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong written = new AtomicLong();
    Thread writer = new Thread(() -> {
      try (Connection c = primary().connect(db); Statement st = c.createStatement()) {
        while (!stop.get()) {
          st.execute("INSERT INTO public.big(payload) SELECT 'during' FROM generate_series(1, 500)");
          written.addAndGet(500);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    writer.start();
    BackupResult backup;
    try {
      backup = backup(db);
    } finally {
      stop.set(true);
      writer.join();
    }
    assertThat(backup.source()).isEqualTo("pg1");
    assertThat(written.get()).isPositive();
    BackupVerificationResult v = verification(db, null).run(BackupVerificationInput.of(TestStack.CLUSTER, db, null));
    assertThat(v.passed()).isTrue();
    assertThat(v.differences()).isEmpty();
  }

  @Test
  void flippedBytesInTheBucketFailVerificationWithTheReason() throws Exception {
    start(BackupStackFixture.config(prefix, "", ""));
    String db = richDatabase(1000);
    BackupResult backup = backup(db);
    flipAByteAndExpectAChecksumMismatch(db, backup, 2);
  }

  /** Flips the byte at 1/{@code part} of the dump in the bucket; verification fails naming the mismatch. */
  private void flipAByteAndExpectAChecksumMismatch(String db, BackupResult backup, int part) {
    String dumpKey = backup.manifest().dumpKey();
    try (S3Client s3 = BackupStackFixture.s3()) {
      byte[] body = s3.getObjectAsBytes(r -> r.bucket(bucket()).key(dumpKey)).asByteArray();
      body[body.length / part] ^= (byte) 0xFF;
      s3.putObject(r -> r.bucket(bucket()).key(dumpKey), RequestBody.fromBytes(body));
    }
    ApplicationFailure failure = failureOf(() -> verification(db, null)
        .run(BackupVerificationInput.of(TestStack.CLUSTER, db, backup.backupKey())));
    assertThat(failure.getOriginalMessage()).contains("did not verify").contains("checksum mismatch")
        .contains(backup.manifest().sha256());
    assertThat(scratchDatabases()).isEmpty();
  }

  @Test
  void withOneRestoreJobTheDumpIsStreamedIntoPgRestoreAndAChangedObjectIsStillNamedAsSuch() throws Exception {
    java.nio.file.Path tempDir = java.nio.file.Files.createTempDirectory("pgrb-verify-tmp-");
    start(BackupStackFixture.config(prefix, "restoreJobs: 1\ntempDir: " + tempDir, ""));
    String db = richDatabase(20_000);
    BackupResult backup = backup(db);

    BackupVerificationResult v = verification(db, null).run(BackupVerificationInput.of(TestStack.CLUSTER, db, null));
    assertThat(v.passed()).as(v.reason()).isTrue();
    assertThat(v.restore().streamed()).isTrue();
    assertThat(v.restore().downloadedBytes()).isEqualTo(backup.manifest().dumpBytes());
    assertThat(v.differences()).isEmpty();
    assertThat(v.report().steps()).anyMatch(s -> s.detail().contains("streamed into pg_restore"));
    try (var files = java.nio.file.Files.list(tempDir)) {
      assertThat(files.toList()).as("no temporary dump file").isEmpty();
    }

    // Streamed: pg_restore has read part of the changed dump by the time the hash is known.
    flipAByteAndExpectAChecksumMismatch(db, backup, 3);
  }

  @Test
  void aClusterWithItsOwnVerificationTargetIsVerifiedThereAndNotOnTheDefault() throws Exception {
    PostgresNode own = BackupStackFixture.verifyInstance();
    int nobody;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      nobody = s.getLocalPort();
    }
    // The default target has no server: any step that went there would fail to connect.
    start(BackupStackFixture.config(prefix, "127.0.0.1", nobody, """
        verificationTargets:
          %s:
            host: %s
            port: %d
            credentials: {user: postgres, passwordEnv: %s}
        """.formatted(TestStack.CLUSTER, own.host(), own.port(), TestStack.PASSWORD_ENV), ""));
    String db = richDatabase(1000);
    backup(db);

    BackupVerificationResult v = verification(db, null).run(BackupVerificationInput.of(TestStack.CLUSTER, db, null));
    assertThat(v.passed()).as(v.reason()).isTrue();
    assertThat(v.restore().target()).isEqualTo(own.host() + ":" + own.port());
    assertThat(v.report().steps()).anyMatch(s -> s.name().equals("read backup policy")
        && s.detail().contains("verification target " + own.host() + ":" + own.port()));
    assertThat(scratchDatabases()).isEmpty();
  }

  @Test
  void aManifestWhoseCountsDifferFailsNamingTheTable() throws Exception {
    start(BackupStackFixture.config(prefix, "", ""));
    String db = richDatabase(1000);
    BackupResult backup = backup(db);
    String manifestKey = backup.backupKey() + "manifest.json";
    try (S3Client s3 = BackupStackFixture.s3()) {
      String json = s3.getObjectAsBytes(r -> r.bucket(bucket()).key(manifestKey)).asUtf8String();
      String edited = json.replaceFirst("(\"table\" : \"orders\",\\s*\"rows\" : )3", "$17");
      assertThat(edited).isNotEqualTo(json);
      s3.putObject(r -> r.bucket(bucket()).key(manifestKey), RequestBody.fromString(edited));
    }
    ApplicationFailure failure = failureOf(() -> verification(db, null)
        .run(BackupVerificationInput.of(TestStack.CLUSTER, db, null)));
    assertThat(failure.getOriginalMessage()).contains("sales.orders: manifest 7 rows, restored 3");
    assertThat(scratchDatabases()).isEmpty();
    try (S3Client s3 = BackupStackFixture.s3()) {
      assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket()).key(backup.backupKey() + "verification.json"))
          .asUtf8String()).contains("\"passed\" : false");
    }
  }

  @Test
  void aFailingRestoreStillDropsTheScratchDatabase() throws Exception {
    start(BackupStackFixture.config(prefix, "", ""));
    String db = richDatabase(50_000);
    BackupResult backup = backup(db);
    // A dump cut short whose manifest agrees with it: the checksum passes and pg_restore fails.
    try (S3Client s3 = BackupStackFixture.s3()) {
      byte[] body = s3.getObjectAsBytes(r -> r.bucket(bucket()).key(backup.manifest().dumpKey())).asByteArray();
      byte[] cut = java.util.Arrays.copyOf(body, body.length * 2 / 3);
      s3.putObject(r -> r.bucket(bucket()).key(backup.manifest().dumpKey()), RequestBody.fromBytes(cut));
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cut));
      String manifestKey = backup.backupKey() + "manifest.json";
      String json = s3.getObjectAsBytes(r -> r.bucket(bucket()).key(manifestKey)).asUtf8String()
          .replace(backup.manifest().sha256(), sha)
          .replace("\"dumpBytes\" : " + backup.manifest().dumpBytes(), "\"dumpBytes\" : " + cut.length);
      s3.putObject(r -> r.bucket(bucket()).key(manifestKey), RequestBody.fromString(json));
    }
    ApplicationFailure failure = failureOf(() -> verification(db, null)
        .run(BackupVerificationInput.of(TestStack.CLUSTER, db, null)));
    assertThat(failure.getOriginalMessage()).contains("pg_restore failed");
    BackupVerificationResult details = failure.getDetails().get(BackupVerificationResult.class);
    assertThat(details.scratchDropped()).isTrue();
    assertThat(details.report().steps()).anyMatch(s -> s.name().equals("drop scratch database")
        && s.detail().startsWith("dropped pgrb_verify_"));
    assertThat(scratchDatabases()).isEmpty();
  }

  @Test
  void cancellationMidRestoreDropsTheScratchDatabase() throws Exception {
    start(BackupStackFixture.config(prefix, "restoreJobs: 1", ""));
    String db = richDatabase(1_500_000);
    backup(db);
    BackupVerificationWorkflow run = verification(db, null);
    WorkflowClient.start(run::run, BackupVerificationInput.of(TestStack.CLUSTER, db, null));
    long deadline = System.currentTimeMillis() + 60_000;
    while (scratchDatabases().isEmpty()) {
      assertThat(System.currentTimeMillis()).as("scratch database created").isLessThan(deadline);
      Thread.sleep(50);
    }
    WorkflowStub stub = WorkflowStub.fromTyped(run);
    stub.cancel();
    Throwable t = catchThrowable(() -> stub.getResult(BackupVerificationResult.class));
    assertThat(t).isInstanceOf(WorkflowFailedException.class);
    assertThat(scratchDatabases()).isEmpty();
    assertThat(run.progress().steps()).anyMatch(s -> s.name().equals("drop scratch database")
        && s.detail().startsWith("dropped pgrb_verify_"));
  }

  @Test
  void retentionNeverDeletesTheLastVerifiedBackupAndAsksApprovalForOlderOnes() throws Exception {
    start(BackupStackFixture.config(prefix, "keepVerified: 1\nkeepDays: 1", ""));
    String db = richDatabase(10);
    String root = prefix + "/backups/" + TestStack.CLUSTER + "/" + db + "/";
    // Old history: two verified backups, one that failed verification.
    fakeBackup(root + "20200101T000000Z/", true);
    fakeBackup(root + "20200102T000000Z/", null);
    fakeBackup(root + "20200103T000000Z/", true);

    // The new backup is unverified: it never pushes the last verified one out; the older ones need approval.
    BackupWorkflow first = backupStub(db);
    WorkflowClient.start(first::run, BackupInput.of(TestStack.CLUSTER, db));
    TestEnvironments.awaitTrue(() -> first.progress().state() == RunbookState.AWAITING_APPROVAL, "approval asked");
    assertThat(first.progress().pendingApprovals().get(0).evidence().get("delete"))
        .isEqualTo(root + "20200101T000000Z/, " + root + "20200102T000000Z/");
    assertThat(keys(root)).anyMatch(k -> k.startsWith(root + "20200101"));
    first.approve(new ApprovalSignal(null, "alice", "old ones can go", null));
    BackupResult result = WorkflowStub.fromTyped(first).getResult(BackupResult.class);
    assertThat(result.deleted()).containsExactly(root + "20200101T000000Z/", root + "20200102T000000Z/");
    assertThat(keys(root)).noneMatch(k -> k.startsWith(root + "20200101") || k.startsWith(root + "20200102"))
        .anyMatch(k -> k.equals(root + "20200103T000000Z/verification.json"));
    assertThat(result.report().approvals()).anyMatch(a -> "alice".equals(a.approver()));
  }

  @Test
  void rejectedRetentionDeletesNothingAndKeepsTheNewBackup() throws Exception {
    start(BackupStackFixture.config(prefix, "keepVerified: 1\nkeepDays: 0", ""));
    String db = richDatabase(10);
    String root = prefix + "/backups/" + TestStack.CLUSTER + "/" + db + "/";
    fakeBackup(root + "20200101T000000Z/", true);
    fakeBackup(root + "20200103T000000Z/", true);
    BackupWorkflow run = backupStub(db);
    WorkflowClient.start(run::run, BackupInput.of(TestStack.CLUSTER, db));
    TestEnvironments.awaitTrue(() -> run.progress().state() == RunbookState.AWAITING_APPROVAL, "approval asked");
    run.reject(new ApprovalSignal(null, "alice", "keep them for the audit", null));
    BackupResult result = WorkflowStub.fromTyped(run).getResult(BackupResult.class);
    assertThat(result.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(result.deleted()).isEmpty();
    assertThat(keys(result.backupKey())).contains(result.backupKey() + "manifest.json");
    assertThat(keys(root)).contains(root + "20200101T000000Z/manifest.json", root + "20200103T000000Z/manifest.json");
  }

  @Test
  void dryRunsPlanAndChangeNeitherTheBucketNorTheVerificationInstance() throws Exception {
    start(BackupStackFixture.config(prefix, "keepVerified: 1\nkeepDays: 0", ""));
    String db = richDatabase(10);
    String root = prefix + "/backups/" + TestStack.CLUSTER + "/" + db + "/";
    fakeBackup(root + "20200101T000000Z/", true);
    fakeBackup(root + "20200103T000000Z/", true);
    List<String> before = keys(prefix);
    BackupResult plan = backupStub(db).run(new BackupInput(TestStack.CLUSTER, db, true, null, null));
    assertThat(plan.report().plan()).anyMatch(l -> l.startsWith("pg_dump --snapshot=<id> --format=custom"))
        .anyMatch(l -> l.startsWith("delete s3://") && l.contains("20200101T000000Z"));
    BackupVerificationResult vplan = verification(db, null)
        .run(new BackupVerificationInput(TestStack.CLUSTER, db, root + "20200103T000000Z/", true, null, null));
    assertThat(vplan.report().plan()).anyMatch(l -> l.startsWith("DROP DATABASE IF EXISTS pgrb_verify_"));
    assertThat(keys(prefix)).isEqualTo(before);
    assertThat(scratchDatabases()).isEmpty();
  }

  @Test
  void verifiedAgesNameTheNewestBackupAndTheLastSuccessfulVerification() {
    RunbooksConfig cfg = BackupStackFixture.config(prefix, "", "");
    String root = prefix + "/backups/" + TestStack.CLUSTER + "/health_db/";
    fakeBackup(root + "20200102T000000Z/", false);
    fakeBackup(root + "20200103T000000Z/", true);
    fakeBackup(root + "20200104T000000Z/", null);

    var ages = new BackupStoreActivitiesImpl(cfg, BackupStackFixture.env())
        .verifiedAges(new io.pgrunbooks.workflows.backup.ListBackupsInput(TestStack.CLUSTER, null));

    assertThat(ages).singleElement().satisfies(a -> {
      assertThat(a.database()).isEqualTo("health_db");
      assertThat(a.newestVerifiedKey()).isEqualTo(root + "20200103T000000Z/");
      assertThat(a.newestBackupAt()).isEqualTo(java.time.Instant.parse("2020-01-04T00:00:00Z"));
      assertThat(a.lastVerifiedAt()).isEqualTo(java.time.Instant.parse("2020-01-05T00:00:00Z"));
    });
  }

  @Test
  void retentionWithOnlyOneVerifiedBackupDeletesNothing() throws Exception {
    start(BackupStackFixture.config(prefix, "keepVerified: 1\nkeepDays: 0", ""));
    String db = richDatabase(10);
    String root = prefix + "/backups/" + TestStack.CLUSTER + "/" + db + "/";
    fakeBackup(root + "20200103T000000Z/", true);
    BackupResult result = backup(db);
    assertThat(result.deleted()).isEmpty();
    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(keys(root)).contains(root + "20200103T000000Z/manifest.json");
  }

  @Test
  void aStaleMultipartUploadOfACrashedAttemptIsAbortedAndOneCompleteBackupRemains() throws Exception {
    RunbooksConfig cfg = BackupStackFixture.config(prefix, "", "");
    String db = richDatabase(1000);
    String key = prefix + "/backups/" + TestStack.CLUSTER + "/" + db + "/20260101T000000Z/";
    try (S3Client s3 = BackupStackFixture.s3()) {
      // What a worker killed mid-upload leaves: an unfinished multipart upload with a part.
      String id = s3.createMultipartUpload(r -> r.bucket(bucket()).key(key + "dump.pgdump")).uploadId();
      s3.uploadPart(r -> r.bucket(bucket()).key(key + "dump.pgdump").uploadId(id).partNumber(1),
          RequestBody.fromBytes(new byte[1024]));
    }
    // The retry of the killed attempt: same key (the workflow fixes it), run as an activity.
    TestActivityEnvironment activities = TestActivityEnvironment.newInstance();
    try {
      activities.registerActivitiesImplementations(BackupStackFixture.activities(cfg)[0]);
      PostgresBackupActivities pg = activities.newActivityStub(PostgresBackupActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(5)).build());
      BackupManifest m = pg.dumpToStore(new DumpInput(TestStack.CLUSTER, db, "pg1", key, "wf", "run"));
      assertThat(m.tables()).extracting(t -> t.qualified() + "=" + t.rows()).contains("sales.orders=3");
      // A second retry after the first one finished returns the same backup and uploads nothing.
      BackupManifest again = pg.dumpToStore(new DumpInput(TestStack.CLUSTER, db, "pg1", key, "wf", "run2"));
      assertThat(again.sha256()).isEqualTo(m.sha256());
      assertThat(again.runId()).isEqualTo("run");
    } finally {
      activities.close();
    }
    try (S3Client s3 = BackupStackFixture.s3()) {
      assertThat(s3.listMultipartUploads(r -> r.bucket(bucket()).prefix(prefix)).uploads()).isEmpty();
    }
    assertThat(keys(key)).containsExactlyInAnyOrder(key + "dump.pgdump", key + "manifest.json");
  }

  // --- helpers

  private BackupResult backup(String db) {
    return backupStub(db).run(BackupInput.of(TestStack.CLUSTER, db));
  }

  private BackupWorkflow backupStub(String db) {
    return client.newWorkflowStub(BackupWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("backup:test:" + db + ":" + UUID.randomUUID()).build());
  }

  private BackupVerificationWorkflow verification(String db, String ignored) {
    return client.newWorkflowStub(BackupVerificationWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("backup-verification:test:" + db + ":" + UUID.randomUUID())
        .build());
  }

  private static ApplicationFailure failureOf(Runnable run) {
    Throwable t = catchThrowable(run::run);
    assertThat(t).isInstanceOf(WorkflowFailedException.class);
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure a) {
        return a;
      }
    }
    throw new AssertionError("no application failure in " + t);
  }

  /** A stand-in backup folder {@code <prefix>/backups/<cluster>/<database>/<time>/} with a minimal manifest. */
  private void fakeBackup(String key, Boolean verified) {
    String[] path = key.split("/");
    try (S3Client s3 = BackupStackFixture.s3()) {
      s3.putObject(r -> r.bucket(bucket()).key(key + "dump.pgdump"), RequestBody.fromString("x"));
      s3.putObject(r -> r.bucket(bucket()).key(key + "manifest.json"), RequestBody.fromString(
          "{\"format\": 1, \"cluster\": \"" + path[path.length - 3] + "\", \"database\": \"" + path[path.length - 2]
              + "\", \"tables\": [], \"dumpKey\": \"" + key + "dump.pgdump\", \"dumpBytes\": 1}"));
      if (verified != null) {
        s3.putObject(r -> r.bucket(bucket()).key(key + "verification.json"),
            RequestBody.fromString("{\"passed\": " + verified + ", \"verifiedAt\": \"2020-01-05T00:00:00Z\"}"));
      }
    }
  }

  private List<String> keys(String prefix) {
    try (S3Client s3 = BackupStackFixture.s3()) {
      return s3.listObjectsV2Paginator(r -> r.bucket(bucket()).prefix(prefix)).contents().stream()
          .map(o -> o.key()).toList();
    }
  }

  private static String bucket() {
    return TestStack.stack().s3().bucket();
  }

  private static PostgresNode primary() {
    return TestStack.stack().postgres().currentPrimary();
  }

  private static List<String> scratchDatabases() {
    String out = BackupStackFixture.verifyInstance().psql("postgres",
        "SELECT datname FROM pg_database WHERE datname LIKE 'pgrb_verify_%'");
    return out.isBlank() ? List.of() : out.lines().toList();
  }

  /** A database with several schemas, a big and empty tables, a sequence, a view and a contrib extension. */
  private static String richDatabase(int bigRows) throws Exception {
    String db = "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    primary().psql("postgres", "CREATE DATABASE " + db);
    primary().psql(db, """
        CREATE EXTENSION pg_trgm;
        CREATE SCHEMA sales; CREATE SCHEMA audit;
        CREATE TABLE public.big (id bigserial PRIMARY KEY, payload text);
        INSERT INTO public.big(payload) SELECT md5(g::text) FROM generate_series(1, %d) g;
        CREATE INDEX big_trgm ON public.big USING gin (payload gin_trgm_ops);
        CREATE TABLE public.empty (id int);
        CREATE SEQUENCE sales.order_no START 1000;
        CREATE TABLE sales.orders (id int PRIMARY KEY DEFAULT nextval('sales.order_no'), total numeric);
        INSERT INTO sales.orders(total) VALUES (1), (2), (3);
        CREATE VIEW sales.order_totals AS SELECT sum(total) FROM sales.orders;
        CREATE TABLE audit.log (at timestamptz, what text);
        """.formatted(bigRows));
    // The replica must have it before a backup prefers it.
    String lsn = primary().psql("postgres", "SELECT pg_current_wal_lsn()");
    PostgresNode replica = TestStack.stack().postgres().node("pg2");
    long deadline = System.currentTimeMillis() + 30_000;
    while (!"t".equals(replica.psql("postgres", "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'"))) {
      assertThat(System.currentTimeMillis()).as("replica caught up").isLessThan(deadline);
      Thread.sleep(50);
    }
    return db;
  }

  @SuppressWarnings("unused")
  private static long count(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
