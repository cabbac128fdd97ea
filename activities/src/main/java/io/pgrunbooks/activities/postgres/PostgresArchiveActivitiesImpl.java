package io.pgrunbooks.activities.postgres;

import static io.pgrunbooks.activities.ActivitySupport.pause;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.s3.ArchiveKeys;
import io.pgrunbooks.activities.s3.MultipartUpload;
import io.pgrunbooks.activities.s3.Compression;
import io.pgrunbooks.activities.s3.DigestStreams;
import io.pgrunbooks.activities.s3.ExportReuse;
import io.pgrunbooks.activities.s3.Heartbeats;
import io.pgrunbooks.activities.s3.S3ClientFactory;
import io.pgrunbooks.config.ArchiveConfig;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.ArchiveManifest;
import io.pgrunbooks.workflows.activities.AttachInput;
import io.pgrunbooks.workflows.activities.DetachResult;
import io.pgrunbooks.workflows.activities.DropPartitionInput;
import io.pgrunbooks.workflows.activities.DropPartitionResult;
import io.pgrunbooks.workflows.activities.ExportInput;
import io.pgrunbooks.workflows.activities.ExportResult;
import io.pgrunbooks.workflows.activities.InspectPartitionInput;
import io.pgrunbooks.workflows.activities.ArchivePreflightFacts;
import io.pgrunbooks.workflows.activities.PartitionRef;
import io.pgrunbooks.workflows.activities.PostgresArchiveActivities;
import io.pgrunbooks.workflows.activities.RestoreTableInput;
import io.pgrunbooks.workflows.activities.RestoreTableResult;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link PostgresArchiveActivities} over PgJDBC on the current primary, S3 through {@link S3ClientFactory}. */
public class PostgresArchiveActivitiesImpl implements PostgresArchiveActivities {
  private static final Logger log = LoggerFactory.getLogger(PostgresArchiveActivitiesImpl.class);
  /** Long enough to wait out a short query, short enough not to queue the application behind us. */
  private static final String LOCK_TIMEOUT = "SET lock_timeout = '3s'";
  private static final int STREAM_NETWORK_TIMEOUT_MS = 15 * 60 * 1000;

  private final RunbooksConfig config;
  private final ConnectionFactory connections;
  private final S3ClientFactory s3;

  public PostgresArchiveActivitiesImpl(RunbooksConfig config, ConnectionFactory connections, S3ClientFactory s3) {
    this.config = config;
    this.connections = connections;
    this.s3 = s3;
  }

  @Override
  public ArchivePreflightFacts inspectPartition(InspectPartitionInput in) {
    ClusterConfig cluster = Lookups.cluster(config, in.cluster());
    if (cluster.database(in.database()) == null) {
      throw Lookups.badInput("database '" + in.database() + "' of cluster " + in.cluster() + " has no runbook settings"
          + " (clusters." + in.cluster() + ".databases); only partitions of configured parents are archived");
    }
    Identifiers.split(in.partition(), "partition");
    try (Primary p = Primary.open(config, connections, in.cluster(), in.database())) {
      return ArchiveCatalog.inspect(p.connection(), p.node(), in.cluster(), in.database(), in.partition(),
          cluster.database(in.database()), config.archive());
    } catch (SQLException e) {
      throw sql("inspect " + in.partition(), e);
    }
  }

  @Override
  public DetachResult detachPartition(PartitionRef ref) {
    try (Primary p = Primary.open(config, connections, ref.cluster(), ref.database())) {
      Connection c = p.connection();
      requireSameTable(c, ref);
      Object[] parent = ArchiveCatalog.parentOf(c, ref.oid());
      String alter = "ALTER TABLE " + Identifiers.quote(ref.parentSchema(), ref.parentName()) + " DETACH PARTITION "
          + Identifiers.quote(ref.schema(), ref.name());
      if (parent == null) {
        return new DetachResult("already detached");
      }
      if (!parentMatches(c, ref, (Long) parent[0])) {
        throw refused(ref.qualified() + " is now a partition of another table; nothing was done");
      }
      if ((Boolean) parent[1]) {
        exec(c, alter + " FINALIZE");
        return new DetachResult("finalized a pending concurrent detach");
      }
      try {
        // CONCURRENTLY cannot run in a transaction block: autocommit, as the connection opens.
        exec(c, LOCK_TIMEOUT);
        exec(c, alter + " CONCURRENTLY");
        return new DetachResult("concurrently");
      } catch (SQLException e) {
        // 0A000/55000: not allowed here (a default partition exists); then a short lock_timeout with retries.
        if (!"0A000".equals(e.getSQLState()) && !"55000".equals(e.getSQLState())) {
          throw e;
        }
        log.info("DETACH CONCURRENTLY of {} not possible ({}); detaching under lock_timeout", ref.qualified(), e.getMessage());
      }
      SQLException last = null;
      for (int attempt = 1; attempt <= 5; attempt++) {
        try {
          exec(c, alter);
          return new DetachResult("with lock_timeout 3s, attempt " + attempt);
        } catch (SQLException e) {
          if (!"55P03".equals(e.getSQLState())) {
            throw e;
          }
          last = e;
          pause(1000L * attempt, PostgresPartitionActivitiesImpl.LOCK_TIMEOUT);
        }
      }
      throw sql("detach " + ref.qualified() + " (lock not granted in 5 attempts)", last);
    } catch (SQLException e) {
      throw sql("detach " + ref.qualified(), e);
    }
  }

  @Override
  public void attachPartition(AttachInput in) {
    PartitionRef ref = in.ref();
    String bound = Identifiers.bound(in.boundSpec());
    try (Primary p = Primary.open(config, connections, ref.cluster(), ref.database())) {
      Connection c = p.connection();
      long oid = ArchiveCatalog.oid(c, ref.schema(), ref.name());
      if (oid == 0 || ref.oid() != 0 && oid != ref.oid()) {
        throw refused("table " + ref.qualified() + " is gone or was re-created; it cannot be attached");
      }
      Object[] parent = ArchiveCatalog.parentOf(c, oid);
      if (parent != null) {
        if (parentMatches(c, ref, (Long) parent[0]) && !(Boolean) parent[1]) {
          return;
        }
        throw refused(ref.qualified() + " is attached elsewhere or being detached; not attaching it to " + ref.parentQualified());
      }
      exec(c, LOCK_TIMEOUT);
      exec(c, "ALTER TABLE " + Identifiers.quote(ref.parentSchema(), ref.parentName()) + " ATTACH PARTITION "
          + Identifiers.quote(ref.schema(), ref.name()) + " " + bound);
    } catch (SQLException e) {
      if ("42P17".equals(e.getSQLState()) || "23514".equals(e.getSQLState()) || "42804".equals(e.getSQLState())
          || "42P01".equals(e.getSQLState()) || "42809".equals(e.getSQLState())) {
        throw refused("cannot attach " + ref.qualified() + " to " + ref.parentQualified() + " " + bound + ": " + e.getMessage());
      }
      throw sql("attach " + ref.qualified(), e);
    }
  }

  @Override
  public void attachRestored(AttachInput in) {
    PartitionRef ref = in.ref();
    ClusterConfig cluster = Lookups.cluster(config, ref.cluster());
    if (cluster.database(ref.database()) == null || cluster.database(ref.database()).policy(ref.parentQualified()) == null) {
      throw Lookups.badInput(ref.parentQualified() + " has no partition policy in the config (clusters." + ref.cluster()
          + ".databases." + ref.database() + ".partitions); a restored table is attached only to a configured parent;"
          + " " + ref.qualified() + " stays a plain table");
    }
    String bound = Identifiers.bound(in.boundSpec());
    try (Primary p = Primary.open(config, connections, ref.cluster(), ref.database())) {
      String clash = RestoreSql.overlapping(p.connection(), ref, bound);
      if (clash != null) {
        throw refused("cannot attach " + ref.qualified() + " to " + ref.parentQualified() + " " + bound + ": its bounds"
            + " overlap partition " + clash + "; nothing was attached, " + ref.qualified() + " stays a plain table");
      }
    } catch (SQLException e) {
      throw sql("check the bounds of " + ref.qualified() + " against " + ref.parentQualified(), e);
    }
    attachPartition(in);
  }

  @Override
  public ExportResult exportPartition(ExportInput in) {
    PartitionRef ref = in.ref();
    ArchiveConfig archive = s3.config();
    String bucket = s3.bucket();
    String folder;
    try {
      folder = ArchiveKeys.runFolder(ArchiveKeys.folder(archive.prefix(), ref.cluster(), ref.database(), ref.schema(),
          ref.parentName(), ref.name()), in.runId());
    } catch (IllegalArgumentException e) {
      throw refused(e.getMessage() + "; nothing was exported");
    }
    String key = ArchiveKeys.data(folder, archive.compression());
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    Set<String> stale = new HashSet<>();
    // The previous attempt's heartbeat names its upload; abort it even if the store cannot list uploads.
    ctx.getHeartbeatDetails(Map.class).ifPresent(d -> {
      if (d.get("uploadId") instanceof String id) {
        stale.add(id);
      }
    });
    Heartbeats beat = new Heartbeats(ctx);
    try (Primary p = Primary.open(config, connections, ref.cluster(), ref.database()); S3Client client = s3.client()) {
      Connection c = p.connection();
      c.setNetworkTimeout(Runnable::run, STREAM_NETWORK_TIMEOUT_MS);
      requireSameTable(c, ref);
      if (ArchiveCatalog.parentOf(c, ref.oid()) != null) {
        throw refused(ref.qualified() + " is attached; only a detached partition is exported (rows could still arrive)");
      }
      // Written once: a retry of this run reuses its own finished upload and never writes the key again.
      ExportResult done = ExportReuse.find(client, bucket, key, ArchiveKeys.manifest(folder), archive.compression(), beat);
      if (done != null) {
        log.info("export of {}: reusing s3://{}/{} written by an earlier attempt of run {}", ref.qualified(), bucket,
            done.dataKey(), in.runId());
        return done;
      }
      long expectedBytes = ArchiveCatalog.totalBytes(c, ref.oid());
      MultipartUpload started;
      try {
        // Progress is the CSV's bytes (beat::bytes below), ahead of the parts uploaded.
        started = MultipartUpload.start(client, archive, key,
            MultipartUpload.Options.archive(Map.of("pg-runbooks-run-id", in.runId())), stale, expectedBytes,
            id -> beat.put("uploadId", id), bytes -> {});
      } catch (IllegalArgumentException e) {
        throw refused("cannot archive " + ref.qualified() + " as one object: " + e.getMessage());
      }
      try (MultipartUpload upload = started) {
        c.setAutoCommit(false);
        exec(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        ContentHash.canonicalSettings(c);
        exec(c, "SET LOCAL lock_timeout = '10s'");
        // SHARE blocks every write to the detached table for the whole COPY; LOCK before the first query, so the
        // snapshot is taken after it.
        exec(c, "LOCK TABLE " + Identifiers.quote(ref.schema(), ref.name()) + " IN SHARE MODE");
        CsvExport.Written w = CsvExport.copy(c, Identifiers.quote(ref.schema(), ref.name()), archive.compression(),
            archive.compressionLevel(), upload.stream(), beat::bytes);
        c.commit();
        String s3Checksum = upload.complete().checksumSHA256();
        return new ExportResult(bucket, key, ArchiveKeys.manifest(folder), archive.compression(), w.rows(), w.csvBytes(),
            w.objectBytes(), w.csvSha256(), w.objectSha256(), upload.abortedStale(), s3Checksum, false);
      }
    } catch (SQLException e) {
      throw sql("export " + ref.qualified(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("export of " + ref.qualified() + " to s3://" + bucket + "/" + key + " failed", e);
    } catch (S3Exception e) {
      if (e.statusCode() == 412) {
        // Another writer completed this key between our check and our upload: never replace it; the retry reuses it.
        throw ApplicationFailure.newFailure("s3://" + bucket + "/" + key + " appeared while uploading; it was not"
            + " replaced, the next attempt reads it back", "ArchiveExists");
      }
      throw e;
    }
  }

  @Override
  public DropPartitionResult dropPartition(DropPartitionInput in) {
    PartitionRef ref = in.ref();
    if (in.expectedSha256() == null || in.expectedSha256().isBlank()) {
      throw refused("no content hash of the archive " + in.archiveUri() + " was given; a row count alone does not prove "
          + ref.qualified() + " holds the archived rows; nothing was dropped");
    }
    try (Primary p = Primary.open(config, connections, ref.cluster(), ref.database())) {
      Connection c = p.connection();
      long oid = ArchiveCatalog.oid(c, ref.schema(), ref.name());
      if (oid == 0) {
        return new DropPartitionResult(-1, true);
      }
      if (oid != ref.oid()) {
        throw refused(ref.qualified() + " was re-created since it was archived (oid " + oid + ", archived " + ref.oid()
            + "); nothing was dropped");
      }
      c.setAutoCommit(false);
      try {
        exec(c, "SET LOCAL lock_timeout = '10s'");
        String table = Identifiers.quote(ref.schema(), ref.name());
        // The lock keeps anyone from writing between the proof and the drop (invariant 2).
        exec(c, "LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        if (ArchiveCatalog.parentOf(c, oid) != null) {
          throw refused(ref.qualified() + " is attached to a parent again; it could hold rows the archive lacks; nothing was dropped");
        }
        // The same canonical CSV the export hashed: equal SHA-256 means the table holds exactly the archived rows.
        ContentHash.Result now = ContentHash.of(c, table);
        if (now.rows() != in.expectedRows() || !now.sha256().equals(in.expectedSha256())) {
          throw refused(ref.qualified() + " no longer holds exactly the archived rows (now " + now.rows() + " rows, CSV SHA-256 "
              + now.sha256() + "; archive " + in.archiveUri() + ": " + in.expectedRows() + " rows, " + in.expectedSha256()
              + "): it changed since the export; nothing was dropped");
        }
        exec(c, "DROP TABLE " + table);
        c.commit();
        return new DropPartitionResult(now.rows(), false);
      } catch (RuntimeException | SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw sql("drop " + ref.qualified(), e);
    }
  }

  @Override
  public RestoreTableResult restoreTable(RestoreTableInput in) {
    ArchiveManifest m = in.manifest();
    String qualified = in.targetSchema() + "." + in.targetTable();
    Identifiers.split(qualified, "targetTable");
    String table = Identifiers.quote(in.targetSchema(), in.targetTable());
    String marker = "restored by pg-runbooks run " + in.runId() + " from " + in.manifestKey();
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    Heartbeats beat = new Heartbeats(ctx);
    try (Primary p = Primary.open(config, connections, in.cluster(), in.database()); S3Client client = s3.client()) {
      Connection c = p.connection();
      c.setNetworkTimeout(Runnable::run, STREAM_NETWORK_TIMEOUT_MS);
      long existing = ArchiveCatalog.oid(c, in.targetSchema(), in.targetTable());
      if (existing != 0) {
        return RestoreSql.alreadyRestored(c, existing, table, marker, qualified);
      }
      c.setAutoCommit(false);
      try {
        exec(c, "CREATE TABLE " + table + " (" + RestoreSql.columns(c, m) + ")");
        InputStream raw = client.getObject(b -> b.bucket(m.bucket()).key(m.dataKey()));
        long rows;
        String zHex;
        String csvHex;
        long zBytes;
        try (DigestStreams.In compressed = new DigestStreams.In(raw, false, beat::bytes);
             InputStream plain = Compression.decompress(m.compression(), compressed);
             DigestStreams.In csv = new DigestStreams.In(plain, false, null)) {
          rows = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN (FORMAT csv, HEADER)", csv);
          csv.transferTo(OutputStream.nullOutputStream());
          compressed.transferTo(OutputStream.nullOutputStream());
          zHex = compressed.hex();
          csvHex = csv.hex();
          zBytes = compressed.bytes();
        }
        if (!zHex.equals(m.sha256Compressed()) || !csvHex.equals(m.sha256Uncompressed()) || rows != m.rows()) {
          throw refused("archive s3://" + m.bucket() + "/" + m.dataKey() + " does not match its manifest (object SHA-256 "
              + zHex + " vs " + m.sha256Compressed() + ", CSV SHA-256 " + csvHex + " vs " + m.sha256Uncompressed() + ", rows "
              + rows + " vs " + m.rows() + "); nothing was created");
        }
        exec(c, "COMMENT ON TABLE " + table + " IS " + literal(marker));
        long oid = ArchiveCatalog.oid(c, in.targetSchema(), in.targetTable());
        c.commit();
        return new RestoreTableResult(oid, rows, zBytes, zHex, csvHex, false);
      } catch (RuntimeException | SQLException | IOException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw sql("restore into " + qualified, e);
    } catch (IOException e) {
      throw new UncheckedIOException("restore into " + qualified + " failed", e);
    }
  }

  private static void requireSameTable(Connection c, PartitionRef ref) throws SQLException {
    long oid = ArchiveCatalog.oid(c, ref.schema(), ref.name());
    if (oid != ref.oid()) {
      throw refused(ref.qualified() + (oid == 0 ? " no longer exists" : " was re-created since preflight") + "; nothing was done");
    }
  }

  private static boolean parentMatches(Connection c, PartitionRef ref, long parentOid) throws SQLException {
    return ArchiveCatalog.oid(c, ref.parentSchema(), ref.parentName()) == parentOid;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static ApplicationFailure refused(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.SAFETY_REFUSED);
  }

  /** SQL errors are retryable (a lock timeout, a restart), with the server's words. */
  private static RuntimeException sql(String what, SQLException e) {
    return ApplicationFailure.newFailure(what + " failed: " + (e == null ? "unknown" : e.getMessage())
        + (e == null || e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")"), "SqlError");
  }
}
