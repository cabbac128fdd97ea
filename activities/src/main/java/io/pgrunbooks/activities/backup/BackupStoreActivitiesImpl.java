package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.BackupConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.backup.BackupStoreActivities;
import io.pgrunbooks.workflows.backup.BackupEntry;
import io.pgrunbooks.workflows.backup.BackupManifest;
import io.pgrunbooks.workflows.backup.BackupPolicy;
import io.pgrunbooks.workflows.backup.BackupRef;
import io.pgrunbooks.workflows.backup.DeleteBackupsInput;
import io.pgrunbooks.workflows.backup.ListBackupsInput;
import io.pgrunbooks.workflows.backup.RecordVerificationInput;
import io.pgrunbooks.workflows.backup.VerificationRecord;
import io.pgrunbooks.workflows.backup.VerifiedBackupAge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/** See {@link BackupStoreActivities}. Backups live under {@code <prefix>/backups/<cluster>/<database>/<UTC timestamp>/}. */
public class BackupStoreActivitiesImpl implements BackupStoreActivities {
  static final String MANIFEST = "manifest.json";
  static final String VERIFICATION = "verification.json";
  static final String DUMP = "dump.pgdump";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.$-]*");
  private static final DateTimeFormatter FOLDER =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final RunbooksConfig config;
  private final Map<String, String> env;

  public BackupStoreActivitiesImpl(RunbooksConfig config, Map<String, String> env) {
    this.config = config;
    this.env = env;
  }

  /** {@code <prefix>/backups/<cluster>/<database>}; BadInput for an unknown cluster or a name unfit for a key. */
  String root(String cluster, String database) {
    Lookups.cluster(config, cluster);
    if (database == null || !NAME.matcher(database).matches()) {
      throw Lookups.badInput("database name '" + database + "' cannot name a backup folder (letters, digits, _ . $ -)");
    }
    return config.archive().prefix() + "/backups/" + cluster + "/" + database;
  }

  @Override
  public BackupPolicy policy(ListBackupsInput input) {
    String root = root(input.cluster(), input.database());
    if (!config.archive().configured()) {
      throw Lookups.config("backups need the archive bucket: set archive.bucket in the worker's config");
    }
    BackupConfig b = config.backup();
    BackupConfig.VerificationTarget v = b.verificationFor(input.cluster());
    String target = v == null ? null : v.host() + ":" + v.port();
    return new BackupPolicy(config.archive().bucket(), root, b.preferReplica(), b.keepVerified(), b.keepDays(),
        b.effectiveRestoreJobs(), b.maxVerifiedAgeHours(), target);
  }

  @Override
  public List<BackupEntry> listBackups(ListBackupsInput input) {
    String root = root(input.cluster(), input.database()) + "/";
    try (S3Client s3 = BackupS3.client(config.archive(), env)) {
      Map<String, List<S3Object>> folders = new TreeMap<>();
      s3.listObjectsV2Paginator(r -> r.bucket(bucket()).prefix(root)).contents().forEach(o -> {
        String rest = o.key().substring(root.length());
        int slash = rest.indexOf('/');
        if (slash > 0) {
          folders.computeIfAbsent(root + rest.substring(0, slash + 1), k -> new ArrayList<>()).add(o);
        }
      });
      List<BackupEntry> out = new ArrayList<>();
      folders.forEach((key, objects) -> {
        Instant created = parseFolder(key.substring(root.length(), key.length() - 1));
        if (created == null) {
          return; // not a backup folder of ours
        }
        boolean complete = objects.stream().anyMatch(o -> o.key().equals(key + MANIFEST));
        Boolean verified = null;
        Instant verifiedAt = null;
        if (objects.stream().anyMatch(o -> o.key().equals(key + VERIFICATION))) {
          VerificationRecord v = read(s3, key + VERIFICATION, VerificationRecord.class);
          verified = v.passed();
          verifiedAt = v.verifiedAt();
        }
        long bytes = objects.stream().mapToLong(S3Object::size).sum();
        out.add(new BackupEntry(key, created, complete, verified, verifiedAt, bytes));
      });
      return out;
    }
  }

  @Override
  public BackupManifest readBackupManifest(BackupRef ref) {
    String key = normalize(ref.backupKey());
    try (S3Client s3 = BackupS3.client(config.archive(), env)) {
      return read(s3, key + MANIFEST, BackupManifest.class);
    } catch (NoSuchKeyException e) {
      throw Lookups.badInput("no backup manifest at s3://" + bucket() + "/" + key + MANIFEST
          + " (an unfinished backup, or a wrong backupKey)");
    }
  }

  @Override
  public void recordVerification(RecordVerificationInput input) {
    String key = normalize(input.backupKey());
    try (S3Client s3 = BackupS3.client(config.archive(), env)) {
      put(s3, key + VERIFICATION, BackupS3.JSON.writeValueAsBytes(input.record()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<VerifiedBackupAge> verifiedAges(ListBackupsInput input) {
    Lookups.cluster(config, input.cluster());
    int max = config.backup().maxVerifiedAgeHours();
    if (!config.archive().configured() || max == 0) {
      return List.of();
    }
    String clusterRoot = config.archive().prefix() + "/backups/" + input.cluster() + "/";
    List<String> databases = new ArrayList<>();
    try (S3Client s3 = BackupS3.client(config.archive(), env)) {
      s3.listObjectsV2Paginator(r -> r.bucket(bucket()).prefix(clusterRoot).delimiter("/")).commonPrefixes()
          .forEach(p -> databases.add(p.prefix().substring(clusterRoot.length(), p.prefix().length() - 1)));
    }
    List<VerifiedBackupAge> out = new ArrayList<>();
    for (String db : databases) {
      if (!NAME.matcher(db).matches()) {
        continue;
      }
      List<BackupEntry> all = listBackups(new ListBackupsInput(input.cluster(), db));
      BackupEntry newest = all.stream()
          .filter(b -> b.complete() && b.verifiedOk())
          .max(java.util.Comparator.comparing(BackupEntry::createdAt)).orElse(null);
      java.time.Instant newestBackup = all.stream().filter(BackupEntry::complete).map(BackupEntry::createdAt)
          .max(java.util.Comparator.naturalOrder()).orElse(null);
      java.time.Instant lastVerified = all.stream().filter(b -> b.verifiedOk() && b.verifiedAt() != null)
          .map(BackupEntry::verifiedAt).max(java.util.Comparator.naturalOrder()).orElse(null);
      out.add(new VerifiedBackupAge(db, newest == null ? null : newest.key(),
          newest == null ? null : newest.createdAt(), max, newestBackup, lastVerified));
    }
    return out;
  }

  @Override
  public int deleteBackups(DeleteBackupsInput input) {
    String root = root(input.cluster(), input.database()) + "/";
    int deleted = 0;
    try (S3Client s3 = BackupS3.client(config.archive(), env)) {
      for (String raw : input.backupKeys()) {
        String key = normalize(raw);
        if (!key.startsWith(root) || key.substring(root.length()).indexOf('/') != key.length() - root.length() - 1) {
          throw Lookups.badInput("refusing to delete " + key + ": not a backup folder under " + root);
        }
        s3.listMultipartUploadsPaginator(r -> r.bucket(bucket()).prefix(key)).uploads().forEach(u ->
            s3.abortMultipartUpload(r -> r.bucket(bucket()).key(u.key()).uploadId(u.uploadId())));
        List<ObjectIdentifier> ids = new ArrayList<>();
        s3.listObjectsV2Paginator(r -> r.bucket(bucket()).prefix(key)).contents()
            .forEach(o -> ids.add(ObjectIdentifier.builder().key(o.key()).build()));
        // The manifest first: a half-deleted backup then reads as unfinished, never as complete.
        ids.sort((a, b) -> a.key().endsWith(MANIFEST) ? -1 : b.key().endsWith(MANIFEST) ? 1 : 0);
        for (ObjectIdentifier id : ids) {
          s3.deleteObject(r -> r.bucket(bucket()).key(id.key()));
        }
        deleted += ids.isEmpty() ? 0 : 1;
      }
    }
    return deleted;
  }

  static Instant parseFolder(String name) {
    try {
      return Instant.from(FOLDER.parse(name));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private String normalize(String key) {
    if (key == null || key.isBlank() || key.contains("..")) {
      throw Lookups.badInput("backupKey '" + key + "' is not a backup folder");
    }
    String k = key.strip();
    if (!k.startsWith(config.archive().prefix() + "/backups/")) {
      throw Lookups.badInput("backupKey '" + key + "' is not under " + config.archive().prefix() + "/backups/");
    }
    if (k.endsWith(MANIFEST)) {
      k = k.substring(0, k.length() - MANIFEST.length());
    }
    return k.endsWith("/") ? k : k + "/";
  }

  private String bucket() {
    return config.archive().bucket();
  }

  private <T> T read(S3Client s3, String key, Class<T> type) {
    try {
      return BackupS3.JSON.readValue(s3.getObjectAsBytes(r -> r.bucket(bucket()).key(key)).asByteArray(), type);
    } catch (IOException e) {
      throw Lookups.badInput("s3://" + bucket() + "/" + key + " is not a valid " + type.getSimpleName() + ": "
          + e.getMessage());
    }
  }

  void put(S3Client s3, String key, byte[] body) {
    PutObjectRequest.Builder req = PutObjectRequest.builder().bucket(bucket()).key(key).contentType("application/json");
    if (BackupS3.sse(config.archive()) != null) {
      req.serverSideEncryption(BackupS3.sse(config.archive())).ssekmsKeyId(config.archive().kmsKeyId());
    }
    s3.putObject(req.build(), RequestBody.fromBytes(body));
  }

}
