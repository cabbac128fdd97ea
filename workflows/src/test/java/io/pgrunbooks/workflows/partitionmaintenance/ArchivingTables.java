package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.ArchiveEntry;
import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.activities.ArchivePreflightFacts;
import io.pgrunbooks.workflows.activities.AttachInput;
import io.pgrunbooks.workflows.activities.ColumnDef;
import io.pgrunbooks.workflows.activities.DetachResult;
import io.pgrunbooks.workflows.activities.DropPartitionInput;
import io.pgrunbooks.workflows.activities.DropPartitionResult;
import io.pgrunbooks.workflows.activities.ExportInput;
import io.pgrunbooks.workflows.activities.ExportResult;
import io.pgrunbooks.workflows.activities.InspectPartitionInput;
import io.pgrunbooks.workflows.activities.ListArchivesInput;
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
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The archive side of {@link ManyTables}: ArchivePartition's activities over its expired partitions, so a
 * PartitionMaintenance run's ArchivePartition children run for real. Records the most exports running at once.
 */
final class ArchivingTables implements PostgresArchiveActivities, S3Activities {
  static final Instant NOW = Instant.parse("2026-01-05T09:00:00Z");

  private final ManyTables catalog;
  /** Partitions that gain 5 rows after the evidence, before their export (the export has them). */
  final Set<String> growBeforeExport = ConcurrentHashMap.newKeySet();
  /**
   * The first this-many exports wait (up to 5 s) until this many run at once, so the limit is reached when the
   * workflow allows it; later ones go straight on.
   */
  volatile int awaitConcurrent = 1;
  private final AtomicInteger started = new AtomicInteger();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger mostAtOnce = new AtomicInteger();
  final List<String> calls = new CopyOnWriteArrayList<>();

  ArchivingTables(ManyTables catalog) {
    this.catalog = catalog;
  }

  private static PartitionRef ref(String partition) {
    String name = partition.substring(partition.indexOf('.') + 1);
    return new PartitionRef("main", "app", "public", name, 16_000 + name.hashCode() % 1000, "public",
        name.substring(0, name.indexOf("_2000_")));
  }

  @Override
  public ArchivePreflightFacts inspectPartition(InspectPartitionInput in) {
    if (catalog.dropped.contains(in.partition())) {
      throw ApplicationFailure.newNonRetryableFailure("no table " + in.partition(), FailureTypes.BAD_INPUT);
    }
    int m = Integer.parseInt(in.partition().substring(in.partition().length() - 2));
    String bounds = "FOR VALUES FROM ('" + ManyTables.from(m) + "') TO ('" + ManyTables.from(m + 1) + "')";
    return new ArchivePreflightFacts(ref(in.partition()), "pg1", "PostgreSQL 15.8", false, bounds,
        Instant.parse(ManyTables.from(m)), Instant.parse(ManyTables.from(m + 1)), NOW, "90 days", null,
        NOW.minusSeconds(90L * 86400), null, true, List.of(new ColumnDef("created_at", "timestamptz", true)),
        "RANGE (created_at)", "CREATE TABLE ...", List.of(), catalog.rows(in.partition()), "gzip", "archive");
  }

  @Override
  public DetachResult detachPartition(PartitionRef ref) {
    calls.add("detach " + ref.qualified());
    return new DetachResult("concurrently");
  }

  @Override
  public void attachPartition(AttachInput in) {
    calls.add("attach " + in.ref().qualified());
  }

  @Override
  public void attachRestored(AttachInput in) {
    throw new UnsupportedOperationException("not a restore");
  }

  @Override
  public ExportResult exportPartition(ExportInput in) {
    String name = in.ref().qualified();
    int now = running.incrementAndGet();
    mostAtOnce.accumulateAndGet(now, Math::max);
    try {
      long deadline = System.nanoTime() + 5_000_000_000L;
      boolean first = started.incrementAndGet() <= awaitConcurrent;
      while (first && running.get() < awaitConcurrent && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      if (growBeforeExport.remove(name)) {
        catalog.rows.put(name, catalog.rows(name) + 5);
      }
      long rows = catalog.rows(name);
      calls.add("export " + name + " " + rows + " rows");
      String key = "pg-runbooks/main/app/" + name + "/" + in.runId();
      return new ExportResult("archive", key + "/data.csv.gz", key + "/manifest.json", "gzip", rows, 1000, 300,
          ManyTables.sha(name, rows), "bb".repeat(32), 0, "cc", false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      running.decrementAndGet();
    }
  }

  @Override
  public DropPartitionResult dropPartition(DropPartitionInput in) {
    String name = in.ref().qualified();
    if (catalog.rows(name) != in.expectedRows()) {
      throw ApplicationFailure.newNonRetryableFailure(name + " holds " + catalog.rows(name) + " rows, the archive "
          + in.expectedRows() + "; nothing was dropped", FailureTypes.SAFETY_REFUSED);
    }
    calls.add("drop " + name);
    catalog.dropped.add(name);
    return new DropPartitionResult(in.expectedRows(), false);
  }

  @Override
  public RestoreTableResult restoreTable(RestoreTableInput in) {
    throw new UnsupportedOperationException("not a restore");
  }

  @Override
  public VerifyArchiveResult verifyArchive(VerifyArchiveInput in) {
    return new VerifyArchiveResult(true, in.deep(), in.expected().compressedBytes(), in.expected().sha256Compressed(),
        in.expected().sha256Uncompressed(), in.expected().rows(), List.of());
  }

  @Override
  public void writeManifest(WriteManifestInput in) {
    calls.add("manifest " + in.manifestKey());
  }

  @Override
  public ArchiveManifest readManifest(ReadManifestInput in) {
    throw new UnsupportedOperationException("not a restore");
  }

  @Override
  public List<ArchiveEntry> listArchives(ListArchivesInput in) {
    throw new UnsupportedOperationException("not a restore");
  }
}
