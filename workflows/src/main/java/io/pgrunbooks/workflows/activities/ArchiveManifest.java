package io.pgrunbooks.workflows.activities;

import java.time.Instant;
import java.util.List;

/**
 * {@code manifest.json} next to an archived partition's data: everything needed to restore it,
 * by RestorePartition or by hand with standard tools. Written only after the data verified.
 */
public record ArchiveManifest(
    int formatVersion,
    String cluster,
    String database,
    String schema,
    String table,
    String parentSchema,
    String parentTable,
    String boundSpec,
    List<ColumnDef> columns,
    String partitionKey,
    String parentDdl,
    List<String> indexes,
    String bucket,
    String dataKey,
    String format,
    String compression,
    long rows,
    long uncompressedBytes,
    long compressedBytes,
    String sha256Uncompressed,
    String sha256Compressed,
    String postgresVersion,
    String workflowId,
    String runId,
    Instant archivedAt,
    String verification) {}
