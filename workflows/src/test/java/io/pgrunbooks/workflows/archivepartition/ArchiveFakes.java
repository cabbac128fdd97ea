package io.pgrunbooks.workflows.archivepartition;

import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.activities.AttachInput;
import io.pgrunbooks.workflows.activities.ColumnDef;
import io.pgrunbooks.workflows.activities.DetachResult;
import io.pgrunbooks.workflows.activities.DropPartitionInput;
import io.pgrunbooks.workflows.activities.DropPartitionResult;
import io.pgrunbooks.workflows.activities.ExportInput;
import io.pgrunbooks.workflows.activities.ExportResult;
import io.pgrunbooks.workflows.activities.InspectPartitionInput;
import io.pgrunbooks.workflows.activities.ArchivePreflightFacts;
import io.pgrunbooks.workflows.activities.PartitionRef;
import io.pgrunbooks.workflows.activities.PostgresArchiveActivities;
import io.pgrunbooks.workflows.activities.ReadManifestInput;
import io.pgrunbooks.workflows.activities.RestoreTableInput;
import io.pgrunbooks.workflows.activities.RestoreTableResult;
import io.pgrunbooks.workflows.activities.S3Activities;
import io.pgrunbooks.workflows.activities.VerifyArchiveInput;
import io.pgrunbooks.workflows.activities.VerifyArchiveResult;
import io.pgrunbooks.workflows.activities.WriteManifestInput;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stand-ins for the archive runbooks' activities: cluster {@code main}, database {@code app}, parent
 * {@code public.events} partitioned by month, partition {@code public.events_2025_01} of 1200 rows that
 * expired under a 90-day retention. Every call that changes something is journaled in {@link #calls}.
 */
public final class ArchiveFakes {
  public static final String PARTITION = "public.events_2025_01";
  public static final String PARENT = "public.events";
  public static final String BOUNDS = "FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2025-02-01 00:00:00+00')";
  public static final long ROWS = 1200;
  public static final String BUCKET = "archive";
  public static final String DATA_KEY = "pg-runbooks/main/app/public/events/events_2025_01/data.csv.gz";
  public static final String MANIFEST_KEY = "pg-runbooks/main/app/public/events/events_2025_01/manifest.json";
  public static final Instant NOW = Instant.parse("2026-01-05T09:00:00Z");
  private static final PartitionRef REF = new PartitionRef("main", "app", "public", "events_2025_01", 16401, "public",
      "events");

  /** What the workflow did, in order: "detach ...", "export ...", "verify", "manifest", "drop ...", "attach ...". */
  public final List<String> calls = new CopyOnWriteArrayList<>();
  /** Manifests written (by key); RestorePartition reads them back. */
  public final Map<String, ArchiveManifest> manifests = new ConcurrentHashMap<>();
  /** Upper bound of the partition (default: expired); move it to make it current or inside minRetention. */
  public volatile Instant upperBound = Instant.parse("2025-02-01T00:00:00Z");
  public volatile String bucket = BUCKET;
  /** Rows the drop's re-count finds; differs from the export's to model rows written into the detached table. */
  public volatile long recount = ROWS;
  public volatile boolean verifyMismatch;
  /** The export fails retryably on every attempt (the store stays down past the retry budget). */
  public volatile boolean storeDown;
  public volatile boolean attachFails;
  /** The content hash each drop was asked to prove. */
  public final List<String> dropHashes = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Tables that already exist, for restore's "refuse if the target exists". */
  public final Set<String> existingTables = ConcurrentHashMap.newKeySet();
  /** alice or bob, within a day. */
  public final FixedApprovals approvals = new FixedApprovals(1, 24 * 3600, "alice", "bob");

  public Object[] activities() {
    return new Object[] {new Sql(), new S3(), approvals, new DroppedNotifications()};
  }

  /** The journal's entries that changed the catalog, for "what is the partition's state now". */
  public List<String> catalogChanges() {
    return calls.stream().filter(c -> c.startsWith("detach") || c.startsWith("attach") || c.startsWith("drop")
        || c.startsWith("restore")).toList();
  }

  public static String attachOriginal() {
    return "attach " + PARTITION + " to " + PARENT + " " + BOUNDS;
  }

  public ArchiveManifest manifest() {
    return new ArchiveManifest(1, "main", "app", "public", "events_2025_01", "public", "events", BOUNDS, columns(),
        "RANGE (ts)", "CREATE TABLE public.events (id bigint NOT NULL, ts timestamptz NOT NULL, body jsonb) PARTITION BY RANGE (ts)",
        List.of(), BUCKET, DATA_KEY, "csv-header", "gzip", ROWS, 96_000, 31_000, "aa".repeat(32), "bb".repeat(32),
        "PostgreSQL 15.8", "archive-partition:main:app:" + PARTITION, "run-1", NOW, "deep-verified");
  }

  private static List<ColumnDef> columns() {
    return List.of(new ColumnDef("id", "bigint", true), new ColumnDef("ts", "timestamp with time zone", true),
        new ColumnDef("body", "jsonb", false));
  }

  final class Sql implements PostgresArchiveActivities {
    @Override
    public ArchivePreflightFacts inspectPartition(InspectPartitionInput in) {
      if (!PARTITION.equals(in.partition())) {
        throw ApplicationFailure.newNonRetryableFailure("no table " + in.partition() + " in database " + in.database(),
            FailureTypes.BAD_INPUT);
      }
      return new ArchivePreflightFacts(REF, "pg1", "PostgreSQL 15.8", false, BOUNDS, Instant.parse("2025-01-01T00:00:00Z"),
          upperBound, NOW, "90 days", "30 days", NOW.minusSeconds(90L * 86400), NOW.minusSeconds(30L * 86400), true,
          columns(), "RANGE (ts)", "CREATE TABLE public.events (...) PARTITION BY RANGE (ts)", List.of(), ROWS, "gzip",
          bucket);
    }

    @Override
    public DetachResult detachPartition(PartitionRef ref) {
      calls.add("detach " + ref.qualified() + " from " + ref.parentQualified());
      return new DetachResult("concurrently");
    }

    @Override
    public void attachPartition(AttachInput in) {
      if (attachFails) {
        throw ApplicationFailure.newNonRetryableFailure("lock_timeout on " + in.ref().parentQualified(), "Test");
      }
      calls.add("attach " + in.ref().qualified() + " to " + in.ref().parentQualified() + " " + in.boundSpec());
    }

    @Override
    public void attachRestored(AttachInput in) {
      attachPartition(in);
    }

    @Override
    public ExportResult exportPartition(ExportInput in) {
      calls.add("export " + in.ref().qualified());
      if (storeDown) {
        throw ApplicationFailure.newFailure("Unable to execute HTTP request: Connection refused", "SdkClientException");
      }
      return new ExportResult(BUCKET, DATA_KEY, MANIFEST_KEY, "gzip", ROWS, 96_000, 31_000, "aa".repeat(32),
          "bb".repeat(32), 0, "cc", false);
    }

    @Override
    public DropPartitionResult dropPartition(DropPartitionInput in) {
      dropHashes.add(in.expectedSha256());
      if (recount != in.expectedRows()) {
        calls.add("drop refused " + in.ref().qualified());
        throw ApplicationFailure.newNonRetryableFailure(in.ref().qualified() + " holds " + recount
            + " rows but the archive has " + in.expectedRows() + "; rows changed since the export; nothing was dropped",
            FailureTypes.SAFETY_REFUSED);
      }
      calls.add("drop " + in.ref().qualified());
      return new DropPartitionResult(recount, false);
    }

    @Override
    public RestoreTableResult restoreTable(RestoreTableInput in) {
      String table = in.targetSchema() + "." + in.targetTable();
      if (!existingTables.add(table)) {
        throw ApplicationFailure.newNonRetryableFailure("table " + table + " already exists; restore refuses to "
            + "overwrite it (pick another targetTable)", FailureTypes.BAD_INPUT);
      }
      calls.add("restore " + table + " from " + in.manifest().dataKey());
      return new RestoreTableResult(16500, in.manifest().rows(), in.manifest().compressedBytes(),
          in.manifest().sha256Compressed(), in.manifest().sha256Uncompressed(), false);
    }
  }

  final class S3 implements S3Activities {
    @Override
    public VerifyArchiveResult verifyArchive(VerifyArchiveInput in) {
      calls.add("verify " + in.expected().uri() + (in.deep() ? " deep" : ""));
      if (verifyMismatch) {
        return new VerifyArchiveResult(false, in.deep(), 31_000, "dd".repeat(32), "aa".repeat(32), ROWS,
            List.of("SHA-256 of the object is " + "dd".repeat(32) + ", expected " + "bb".repeat(32)));
      }
      return new VerifyArchiveResult(true, in.deep(), 31_000, "bb".repeat(32), "aa".repeat(32), in.deep() ? ROWS : -1,
          List.of());
    }

    @Override
    public void writeManifest(WriteManifestInput in) {
      calls.add("manifest " + in.manifestKey());
      manifests.put(in.manifestKey(), in.manifest());
    }

    @Override
    public ArchiveManifest readManifest(ReadManifestInput in) {
      ArchiveManifest m = manifests.get(in.manifestKey());
      if (m == null) {
        throw ApplicationFailure.newNonRetryableFailure("no manifest at s3://" + BUCKET + "/" + in.manifestKey(),
            FailureTypes.BAD_INPUT);
      }
      return m;
    }

    @Override
    public List<io.pgrunbooks.workflows.activities.ArchiveEntry> listArchives(
        io.pgrunbooks.workflows.activities.ListArchivesInput in) {
      calls.add("list archives of " + in.table());
      return manifests.entrySet().stream()
          .filter(e -> in.table().equals(e.getValue().schema() + "." + e.getValue().table())
              || in.table().equals(e.getValue().parentSchema() + "." + e.getValue().parentTable()))
          .map(e -> io.pgrunbooks.workflows.activities.ArchiveEntry.of(e.getKey(), "run", e.getValue()))
          .sorted(java.util.Comparator.comparing(io.pgrunbooks.workflows.activities.ArchiveEntry::archivedAt).reversed())
          .toList();
    }
  }
}
