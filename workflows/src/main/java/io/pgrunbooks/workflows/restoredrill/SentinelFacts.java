package io.pgrunbooks.workflows.restoredrill;

import java.util.Map;

/**
 * What the primary said while the drill placed its sentinels.
 *
 * @param rpoSeconds age of the newest archived WAL segment when the drill started
 *     ({@code now() - pg_stat_archiver.last_archived_time}); -1 when nothing was ever archived
 * @param lastArchivedWal that segment's name (null when none)
 * @param archiveFailures {@code pg_stat_archiver.failed_count} at the start
 * @param targetEpochMicros the restore target (the requested one, or the moment the drill picked)
 * @param target the same as text for {@code pgbackrest restore --target} ({@code 2026-12-06 14:02:00.123456+00})
 * @param beforeId id of this drill's sentinel committed before the target; 0 when the target was given
 * @param afterId id of this drill's sentinel committed after the target (and archived)
 * @param earlierIds sentinels of earlier drills written at least one second before the target: they must be there
 * @param tableWrites per table ({@code schema.name}) {@code n_tup_ins + n_tup_upd + n_tup_del} just before the
 *     target; empty when the target was given (then no table is known to be unwritten since)
 */
public record SentinelFacts(long rpoSeconds, String lastArchivedWal, long archiveFailures, long targetEpochMicros,
                            String target, long beforeId, long afterId, long earlierIds,
                            Map<String, Long> tableWrites) {
  public SentinelFacts {
    tableWrites = tableWrites == null ? Map.of() : Map.copyOf(tableWrites);
  }
}
