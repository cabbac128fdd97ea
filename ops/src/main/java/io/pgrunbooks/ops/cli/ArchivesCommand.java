package io.pgrunbooks.ops.cli;

import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.ArchiveEntry;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code runbooks archives}: every archive of a table (a partition, or every partition of a parent) in
 * the configured bucket, newest first, with rows, bytes, time and hash, read from their manifests.
 */
@Command(name = "archives", mixinStandardHelpOptions = true,
    description = {"List the archives of a partition (or of every partition of a parent table), newest first:",
        "archived at, rows, CSV bytes, object bytes, CSV SHA-256, layout and the manifest key that",
        "RestorePartition takes (or start it with partition and archivedAt). Reads the bucket only."},
    exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
        "0:listed (also when there is none)", "1:the bucket could not be read", "2:bad usage"})
final class ArchivesCommand implements Callable<Integer> {
  @Option(names = "--config", description = "Config file (default: $RUNBOOKS_CONFIG).")
  String config;

  @Option(names = "--cluster", required = true)
  String cluster;

  @Option(names = "--database", required = true)
  String database;

  @Option(names = "--table", required = true, description = "schema.name of a partition or of its parent table.")
  String table;

  @Mixin
  OutputOptions output = new OutputOptions();

  PrintStream out = System.out;
  PrintStream err = System.err;
  Map<String, String> env = System.getenv();

  @Override
  public Integer call() {
    CliLogging.quiet();
    if (!table.matches("[^./]+\\.[^./]+")) {
      err.println("archives: --table must be schema.name, got '" + table + "'");
      return ExitCodes.USAGE;
    }
    List<ArchiveEntry> entries;
    try {
      RunbooksConfig cfg = ConfigLoader.fromArgsOrEnv(config, env);
      if (cfg.cluster(cluster) == null || cfg.cluster(cluster).database(database) == null) {
        err.println("archives: unknown cluster/database " + cluster + "/" + database);
        return ExitCodes.USAGE;
      }
      entries = ArchiveBucket.list(cfg.archive(), env, cluster, database, table);
    } catch (RuntimeException e) {
      err.println("archives: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    if (output.structured()) {
      out.println(output.render(entries));
      return ExitCodes.OK;
    }
    if (entries.isEmpty()) {
      out.println("no archives of " + table + " in " + cluster + "/" + database);
      return ExitCodes.OK;
    }
    out.printf("%-24s %-28s %10s %14s %14s  %-64s  %-6s  %s%n", "ARCHIVED AT", "PARTITION", "ROWS", "CSV BYTES",
        "OBJECT BYTES", "CSV SHA-256", "LAYOUT", "MANIFEST KEY");
    for (ArchiveEntry e : entries) {
      out.printf("%-24s %-28s %10d %14d %14d  %-64s  %-6s  %s%n", e.archivedAt(), e.partition(), e.rows(),
          e.uncompressedBytes(), e.compressedBytes(), e.sha256Uncompressed(), e.layout(), e.manifestKey());
    }
    return ExitCodes.OK;
  }
}
