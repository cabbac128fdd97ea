package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.approval.ApprovalActivitiesImpl;
import io.pgrunbooks.activities.notify.NotifyActivitiesImpl;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.PostgresNode;
import io.pgrunbooks.ops.stack.StackYaml;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.ops.stack.VerificationInstance;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The shared stack's cluster and S3 store plus a separate node-less PostgreSQL instance as the
 * verification target, started once per test JVM.
 */
final class BackupStackFixture {
  static final String S3_SECRET_ENV = "RUNBOOKS_TEST_S3_SECRET";
  static final String S3_ACCESS_ENV = "RUNBOOKS_TEST_S3_ACCESS";
  private static VerificationInstance verify;

  private BackupStackFixture() {}

  static synchronized PostgresNode verifyInstance() {
    if (verify == null) {
      try {
        Path dir = Files.createTempDirectory("runbooks-verify-");
        verify = VerificationInstance.start(dir, 0, SharedStack.PASSWORD, false);
        Runtime.getRuntime().addShutdownHook(new Thread(verify::close));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return verify.node();
  }

  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>(TestStack.env());
    env.put(S3_ACCESS_ENV, LocalStack.S3_ACCESS_KEY);
    env.put(S3_SECRET_ENV, LocalStack.S3_SECRET_KEY);
    return env;
  }

  /** The stack's config with archive, backup and approval sections; {@code extra} is appended YAML. */
  static RunbooksConfig config(String prefix, String backupExtra, String extra) {
    PostgresNode v = verifyInstance();
    return config(prefix, v.host(), v.port(), backupExtra, extra);
  }

  /** The config with {@code backup.verification} at {@code verifyHost:verifyPort}. */
  static RunbooksConfig config(String prefix, String verifyHost, int verifyPort, String backupExtra, String extra) {
    LocalStack stack = TestStack.stack();
    StringBuilder yaml = new StringBuilder();
    yaml.append("""
        clusters:
          %s:
            nodes:
        """.formatted(TestStack.CLUSTER));
    yaml.append(StackYaml.nodes(stack));
    yaml.append("""
            credentials:
              user: postgres
              passwordEnv: %s
        archive:
          bucket: %s
          prefix: %s
          endpoint: %s
          forcePathStyle: true
          accessKeyEnv: %s
          secretKeyEnv: %s
        backup:
          verification:
            host: %s
            port: %d
            credentials: {user: postgres, passwordEnv: %s}
        %s
        approvals:
          defaultTimeout: 1h
          approvers:
            - name: alice
              roles: [approver]
        %s
        """.formatted(TestStack.PASSWORD_ENV, stack.s3().bucket(), prefix, stack.s3().endpoint(), S3_ACCESS_ENV,
        S3_SECRET_ENV, verifyHost, verifyPort, TestStack.PASSWORD_ENV, backupExtra.indent(2), extra));
    return ConfigLoader.parse(yaml.toString(), env(), "backup-test");
  }

  static S3Client s3() {
    LocalStack stack = TestStack.stack();
    return S3Client.builder().endpointOverride(URI.create(stack.s3().endpoint().toString()))
        .region(Region.of(stack.s3().region())).forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LocalStack.S3_ACCESS_KEY, LocalStack.S3_SECRET_KEY)))
        .build();
  }

  static Object[] activities(RunbooksConfig cfg) {
    Map<String, String> env = env();
    return new Object[] {new PostgresBackupActivitiesImpl(cfg, env), new BackupStoreActivitiesImpl(cfg, env),
        new ApprovalActivitiesImpl(cfg, env), new NotifyActivitiesImpl(cfg, env),
        (io.pgrunbooks.workflows.activities.ReportActivities) report -> null};
  }
}
