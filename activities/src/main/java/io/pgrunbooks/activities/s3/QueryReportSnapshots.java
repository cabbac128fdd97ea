package io.pgrunbooks.activities.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.queryreport.StatementDeltas.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * QueryReport's pg_stat_statements snapshots in the archive bucket, one object per run under
 * {@code <prefix>/.pg-runbooks/query-reports/<cluster>/<database>/snapshot-<epoch ms>-<runId>.json}. A run reads the
 * newest snapshot that is not its own (a retry of the same run compares against the same baseline), then writes its
 * own; only the newest {@value #KEEP} are kept.
 */
public class QueryReportSnapshots {
  static final int KEEP = 3;
  private final S3ClientFactory clients;
  private final ObjectMapper json = DataConverters.objectMapper();

  public QueryReportSnapshots(S3ClientFactory clients) {
    this.clients = clients;
  }

  /** False without an archive bucket: then there is no baseline and nothing is kept. */
  public boolean configured() {
    return clients.config() != null && clients.config().configured();
  }

  /** The newest snapshot of the cluster and database written by another run, or null. */
  public Snapshot previous(String cluster, String database, String runId) {
    try (S3Client s3 = clients.client()) {
      List<String> keys = keys(s3, cluster, database);
      for (int i = keys.size() - 1; i >= 0; i--) {
        String key = keys.get(i);
        if (!key.endsWith("-" + runId + ".json")) {
          try (InputStream in = s3.getObject(b -> b.bucket(clients.bucket()).key(key))) {
            return json.readValue(in, Snapshot.class);
          }
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("reading the previous QueryReport snapshot failed", e);
    }
  }

  /** Writes this run's snapshot (a retry replaces its own), then removes all but the newest {@value #KEEP}. */
  public String keep(String cluster, String database, Snapshot snapshot, long takenAtMillis) {
    try (S3Client s3 = clients.client()) {
      List<String> keys = keys(s3, cluster, database);
      String key = keys.stream().filter(k -> k.endsWith("-" + snapshot.runId() + ".json")).findFirst()
          .orElse(folder(cluster, database) + String.format("snapshot-%015d-%s.json", takenAtMillis, snapshot.runId()));
      byte[] body = json.writeValueAsBytes(snapshot);
      s3.putObject(b -> b.bucket(clients.bucket()).key(key).contentType("application/json"),
          RequestBody.fromBytes(body));
      List<String> all = keys(s3, cluster, database);
      for (String old : all.subList(0, Math.max(0, all.size() - KEEP))) {
        s3.deleteObject(b -> b.bucket(clients.bucket()).key(old));
      }
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("writing the QueryReport snapshot failed", e);
    }
  }

  String folder(String cluster, String database) {
    return ArchiveKeys.root(clients.config().prefix()) + ".pg-runbooks/query-reports/" + cluster + "/" + database + "/";
  }

  /** The snapshot keys, oldest first (the zero-padded time sorts them). */
  private List<String> keys(S3Client s3, String cluster, String database) {
    List<String> out = new ArrayList<>();
    String folder = folder(cluster, database);
    for (var page : s3.listObjectsV2Paginator(b -> b.bucket(clients.bucket()).prefix(folder + "snapshot-"))) {
      for (S3Object o : page.contents()) {
        out.add(o.key());
      }
    }
    out.sort(null);
    return out;
  }
}
