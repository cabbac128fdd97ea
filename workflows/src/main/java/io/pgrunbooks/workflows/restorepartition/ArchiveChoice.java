package io.pgrunbooks.workflows.restorepartition;

import io.pgrunbooks.workflows.activities.ArchiveEntry;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Which archive of a partition RestorePartition restores when it is given the partition rather than a
 * manifest key: the newest, or the one archived at {@code archivedAt}. Pure, so workflow code may call it.
 *
 * @param chosen the archive to restore
 * @param others the partition's other archives, newest first (named in the report)
 */
record ArchiveChoice(ArchiveEntry chosen, List<ArchiveEntry> others) {

  /** The choice, or an IllegalArgumentException saying in words why there is none. */
  static ArchiveChoice choose(List<ArchiveEntry> listed, String partition, String archivedAt) {
    List<ArchiveEntry> mine = listed.stream().filter(e -> partition.equals(e.partition())).toList();
    if (mine.isEmpty()) {
      throw new IllegalArgumentException("no archive of " + partition + " in the bucket (runbooks archives lists them)");
    }
    ArchiveEntry chosen = mine.get(0);
    if (archivedAt != null && !archivedAt.isBlank()) {
      Instant at;
      try {
        at = Instant.parse(archivedAt.strip());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("archivedAt must be an ISO-8601 instant such as 2026-01-31T02:00:00Z, got '"
            + archivedAt + "'");
      }
      chosen = mine.stream().filter(e -> at.equals(e.archivedAt())).findFirst().orElseThrow(() ->
          new IllegalArgumentException("no archive of " + partition + " was written at " + at + "; there are: "
              + String.join(", ", mine.stream().map(ArchiveChoice::describe).toList())));
    }
    ArchiveEntry c = chosen;
    return new ArchiveChoice(c, mine.stream().filter(e -> e != c).toList());
  }

  static String describe(ArchiveEntry e) {
    return e.archivedAt() + " (" + e.rows() + " rows, " + e.compressedBytes() + " bytes, CSV SHA-256 "
        + e.sha256Uncompressed() + ", " + e.manifestKey() + ")";
  }
}
