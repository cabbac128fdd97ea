package io.pgrunbooks.workflows.backup;

import io.pgrunbooks.workflows.backup.BackupStoreActivities;
import io.pgrunbooks.workflows.backup.PostgresBackupActivities;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stand-ins for the activities of Backup and BackupVerification: an in-memory bucket ({@link Store}), a cluster
 * main with primary pg1 and replica pg2 plus a verification target ({@link Postgres}), and an approval policy
 * with two approvers. Each remembers what it was asked to do.
 */
public final class BackupFakes {
  public static final String ROOT = "pgrb/backups/main/app";
  public static final List<TableCount> TABLES = List.of(new TableCount("public", "orders", 1000, true),
      new TableCount("sales", "items", 0, true), new TableCount("public", "events", 5_000_000, false));

  private BackupFakes() {}

  /** A backup folder key of the fake bucket at {@code at}. */
  public static String key(Instant at) {
    return ROOT + "/" + BackupWorkflowImpl.FOLDER.format(at) + "/";
  }

  /** The bucket: entries and manifests by key, what was deleted and which verifications were recorded. */
  public static final class Store implements BackupStoreActivities {
    public volatile BackupPolicy policy = new BackupPolicy("bucket", ROOT, true, 2, 7, 4, 26, "verify:5432");
    public final Map<String, BackupEntry> entries = new ConcurrentHashMap<>();
    public final Map<String, BackupManifest> manifests = new ConcurrentHashMap<>();
    public final List<String> deleted = new CopyOnWriteArrayList<>();
    public final List<RecordVerificationInput> recorded = new CopyOnWriteArrayList<>();

    /** A complete backup taken at {@code at}; verified is true, false or null (never verified). */
    public String add(Instant at, Boolean verified) {
      String key = key(at);
      entries.put(key, new BackupEntry(key, at, true, verified, verified == null ? null : at.plusSeconds(3600), 4096));
      manifests.put(key, manifest(key, at, TABLES));
      return key;
    }

    /** A dump without a manifest: an unfinished backup. */
    public String addUnfinished(Instant at) {
      String key = key(at);
      entries.put(key, new BackupEntry(key, at, false, null, null, 1024));
      return key;
    }

    @Override
    public BackupPolicy policy(ListBackupsInput input) {
      return policy;
    }

    @Override
    public List<BackupEntry> listBackups(ListBackupsInput input) {
      List<BackupEntry> all = new ArrayList<>(entries.values());
      all.sort(Comparator.comparing(BackupEntry::createdAt));
      return all;
    }

    @Override
    public BackupManifest readBackupManifest(BackupRef ref) {
      BackupManifest m = manifests.get(ref.backupKey());
      if (m == null) {
        throw ApplicationFailure.newNonRetryableFailure("no manifest.json under " + ref.backupKey(),
            FailureTypes.BAD_INPUT);
      }
      return m;
    }

    @Override
    public void recordVerification(RecordVerificationInput input) {
      recorded.add(input);
      BackupEntry e = entries.get(input.backupKey());
      entries.put(input.backupKey(), new BackupEntry(e.key(), e.createdAt(), e.complete(), input.record().passed(),
          input.record().verifiedAt(), e.bytes()));
    }

    @Override
    public List<VerifiedBackupAge> verifiedAges(ListBackupsInput input) {
      return List.of();
    }

    @Override
    public int deleteBackups(DeleteBackupsInput input) {
      input.backupKeys().forEach(k -> {
        entries.remove(k);
        manifests.remove(k);
        deleted.add(k);
      });
      return input.backupKeys().size();
    }
  }

  /** pg1 primary, pg2 replica; dumps land in the {@link Store}; restores into a set of scratch databases. */
  public static final class Postgres implements PostgresBackupActivities {
    private final Store store;
    public volatile boolean replicaHealthy = true;
    /** What the restore does: pass, fail like pg_restore, refuse a checksum, or wait to be cancelled. */
    public volatile String restoreMode = "ok";
    /** Restored counts that differ from the manifest: qualified name to rows. */
    public final Map<String, Long> restoredCounts = new ConcurrentHashMap<>();
    public volatile boolean amcheckPasses = true;
    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final List<String> scratchExisting = new CopyOnWriteArrayList<>();
    public final List<String> dropped = new CopyOnWriteArrayList<>();
    public final CountDownLatch restoreStarted = new CountDownLatch(1);
    public final CountDownLatch releaseRestore = new CountDownLatch(1);

    public Postgres(Store store) {
      this.store = store;
    }

    @Override
    public BackupSource chooseSource(ChooseSourceInput input) {
      if (input.preferReplica() && replicaHealthy) {
        return new BackupSource("pg2", "replica", "pg2 is a streaming replica, replay caught up (preferReplica)");
      }
      return new BackupSource("pg1", "primary", "pg1 is the primary"
          + (input.preferReplica() ? "; no healthy replica (pg2 is a replica but not healthy)" : "; preferReplica is off"));
    }

    @Override
    public BackupManifest dumpToStore(DumpInput input) {
      calls.add("dump " + input.database() + " from " + input.node() + " to " + input.backupKey());
      Instant at = Instant.now();
      BackupManifest m = manifest(input.backupKey(), at, TABLES);
      store.manifests.put(input.backupKey(), m);
      store.entries.put(input.backupKey(), new BackupEntry(input.backupKey(), at, true, null, null, m.dumpBytes()));
      return m;
    }

    @Override
    public RestoreResult restore(RestoreInput input) {
      calls.add("restore " + input.dumpKey() + " into " + input.scratchDatabase() + " with " + input.jobs() + " jobs");
      switch (restoreMode) {
        case "checksum" -> throw ApplicationFailure.newNonRetryableFailure("checksum mismatch: s3 object "
            + input.dumpKey() + " has SHA-256 0badc0de, the manifest says " + input.expectedSha256(),
            FailureTypes.SAFETY_REFUSED);
        case "fail" -> {
          scratchExisting.add(input.scratchDatabase());
          throw ApplicationFailure.newNonRetryableFailure("pg_restore failed (exit 1): pg_restore: error: could not"
              + " execute query: ERROR: extension \"postgis\" is not available", "RestoreFailed");
        }
        case "block" -> {
          scratchExisting.add(input.scratchDatabase());
          restoreStarted.countDown();
          awaitRelease();
          // The first heartbeat reaches the server at once and brings back the cancellation request.
          Activity.getExecutionContext().heartbeat("restoring");
          throw new IllegalStateException("the restore was not cancelled");
        }
        default -> {
          scratchExisting.add(input.scratchDatabase());
          return new RestoreResult("verify:5432", input.expectedBytes(), input.expectedSha256(), 0.5, 12.0, 1 << 20, false);
        }
      }
    }

    @Override
    public List<TableCount> countRows(CountRowsInput input) {
      calls.add("count " + input.scratchDatabase());
      return input.tables().stream().filter(TableCount::exact)
          .map(t -> new TableCount(t.schema(), t.table(), restoredCounts.getOrDefault(t.qualified(), t.rows()), true))
          .toList();
    }

    @Override
    public AmcheckResult amcheck(ScratchInput input) {
      calls.add("amcheck " + input.scratchDatabase());
      return amcheckPasses ? new AmcheckResult(true, true, "pg_amcheck: no corruption found")
          : new AmcheckResult(true, false, "heap table \"app.public.orders\", block 7: invalid line pointer");
    }

    @Override
    public boolean dropScratch(ScratchInput input) {
      dropped.add(input.scratchDatabase());
      return scratchExisting.remove(input.scratchDatabase());
    }

    private void awaitRelease() {
      try {
        if (!releaseRestore.await(20, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the restore");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  static BackupManifest manifest(String key, Instant at, List<TableCount> tables) {
    return new BackupManifest(1, "main", "app", "pg2", "replica", "15.8", "pg_dump (PostgreSQL) 15.8", at,
        "0/3000060", tables, key + "dump.pgdump", 4096, "5f".repeat(32), "backup:main:app", "run-1", at,
        at.plusSeconds(30));
  }
}
