package io.pgrunbooks.ops.cli;

import io.pgrunbooks.config.ArchiveConfig;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.workflows.activities.ReportLayout;
import io.pgrunbooks.workflows.activities.ReportListing;
import java.io.PrintStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code runbooks reports}: the run reports the runs wrote to the bucket (the audit trail that outlives
 * Temporal's retention), newest first, or one of them in full with {@code --show ID}. Reads the bucket only.
 */
@Command(name = "reports", mixinStandardHelpOptions = true,
    description = {"List the run reports in the bucket (every finished run writes one), newest first, or print",
        "one in full (--show ID): input, steps, approvals with approvers and comments, changes.",
        "They stay after Temporal's retention removed the runs. Reads the bucket only."},
    exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
        "0:listed (also when there is none) or shown", "1:the bucket could not be read", "2:bad usage",
        "3:no such report"})
final class ReportsCommand implements Callable<Integer> {
  @Option(names = "--config", description = "Config file (default: $RUNBOOKS_CONFIG).")
  String config;

  @Option(names = "--runbook", description = "Only this runbook (workflow type).")
  String runbook;

  @Option(names = "--cluster", description = "Only this cluster.")
  String cluster;

  @Option(names = "--from", description = "First day (yyyy-MM-dd, UTC; default: 30 days before --to).")
  String from;

  @Option(names = "--to", description = "Last day (yyyy-MM-dd, UTC; default: today).")
  String to;

  @Option(names = "--limit", defaultValue = "50", description = "Reports per page (1-500, default 50).")
  int limit;

  @Option(names = "--page-token", description = "Next page: the token the previous page printed.")
  String pageToken;

  @Option(names = "--show", paramLabel = "<id>", description = "Print the report with this id (as listed) as JSON.")
  String show;

  @Mixin
  OutputOptions output = new OutputOptions();

  PrintStream out = System.out;
  PrintStream err = System.err;
  Map<String, String> env = System.getenv();

  @Override
  public Integer call() {
    CliLogging.quiet();
    ArchiveConfig archive;
    ReportListing.Query query = null;
    try {
      archive = ConfigLoader.fromArgsOrEnv(config, env).archive();
      if (show == null) {
        LocalDate end = to == null ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(to);
        query = new ReportListing.Query(from == null ? end.minusDays(29) : LocalDate.parse(from), end, runbook, cluster,
            limit, pageToken);
        if (query.problem() != null) {
          err.println("reports: " + query.problem());
          return ExitCodes.USAGE;
        }
      } else if (!ReportLayout.isId(show)) {
        err.println("reports: not a report id (as listed): '" + show + "'");
        return ExitCodes.USAGE;
      }
    } catch (DateTimeParseException e) {
      err.println("reports: --from and --to are dates yyyy-MM-dd: " + e.getParsedString());
      return ExitCodes.USAGE;
    } catch (RuntimeException e) {
      err.println("reports: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (!archive.configured()) {
      err.println("reports: no archive bucket is configured (config section archive.bucket): runs keep their "
          + "reports only in Temporal");
      return ExitCodes.FAILED;
    }
    String root = ReportLayout.root(archive.prefix());
    try (S3Client s3 = ArchiveBucket.client(archive, env)) {
      if (show != null) {
        try {
          out.println(new String(s3.getObjectAsBytes(b -> b.bucket(archive.bucket()).key(root + show)).asByteArray(),
              java.nio.charset.StandardCharsets.UTF_8));
          return ExitCodes.OK;
        } catch (NoSuchKeyException e) {
          err.println("reports: no report " + show);
          return ExitCodes.NOT_FOUND;
        }
      }
      ReportListing.Page page = ReportListing.page(root, query, prefix -> {
        List<String> keys = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(archive.bucket()).prefix(prefix)).contents()) {
          keys.add(o.key());
        }
        return keys;
      });
      print(page);
      return ExitCodes.OK;
    } catch (RuntimeException e) {
      err.println("reports: " + e.getMessage());
      return ExitCodes.FAILED;
    }
  }

  private void print(ReportListing.Page page) {
    if (output.structured()) {
      out.println(output.render(page));
      return;
    }
    if (page.reports().isEmpty()) {
      out.println("no reports");
      return;
    }
    out.printf("%-24s %-22s %-10s %-10s %-50s %s%n", "FINISHED AT", "RUNBOOK", "CLUSTER", "OUTCOME", "WORKFLOW ID", "ID");
    for (ReportLayout.Entry e : page.reports()) {
      out.printf("%-24s %-22s %-10s %-10s %-50s %s%n", e.finishedAt(), e.runbook(), e.cluster(), e.outcome(),
          e.workflowId(), e.id());
    }
    if (page.nextPageToken() != null) {
      out.println("more: --page-token '" + page.nextPageToken() + "'");
    }
  }
}
