package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code backup} section: defaults, one field set alone, and each refused value. */
class BackupConfigTest {
  static final String CLUSTER = """
      clusters:
        main:
          nodes:
            - name: pg1
              host: 127.0.0.1
              port: 15432
              dataDir: /data/pg1
      """;

  @Test
  void aConfigWithoutBackupSectionHasTheDocumentedDefaults() {
    BackupConfig b = ConfigLoader.parse(CLUSTER, Map.of(), "t.yml").backup();
    assertThat(b.preferReplica()).isTrue();
    assertThat(b.exactCountMaxTables()).isEqualTo(1000);
    assertThat(b.keepVerified()).isEqualTo(7);
    assertThat(b.keepDays()).isEqualTo(14);
    assertThat(b.restoreJobs()).isZero();
    assertThat(b.effectiveRestoreJobs()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(b.maxVerifiedAgeHours()).isEqualTo(26);
    assertThat(b.verification()).isNull();
  }

  @Test
  void settingOneFieldKeepsTheOtherDefaults() {
    BackupConfig b = ConfigLoader.parse(CLUSTER + """
        backup:
          keepVerified: 3
          verification:
            host: 127.0.0.1
            port: 15434
            credentials: {passwordEnv: VERIFY_PW}
        """, Map.of(), "t.yml").backup();
    assertThat(b.keepVerified()).isEqualTo(3);
    assertThat(b.keepDays()).isEqualTo(14);
    assertThat(b.preferReplica()).isTrue();
    assertThat(b.verification().maintenanceDatabase()).isEqualTo("postgres");
    assertThat(b.verification().credentials().user()).isEqualTo("postgres");
    assertThat(b.verification().allowPrimary()).isFalse();
  }

  @Test
  void nonsenseNumbersAreRefusedEachWithItsPath() {
    assertThat(ConfigErrorsTest.errors(CLUSTER + """
        backup:
          keepVerified: 0
          keepDays: -1
          restoreJobs: 100
          exactCountMaxTables: -5
          maxVerifiedAgeHours: -1
        """)).containsExactlyInAnyOrder(
        "backup.exactCountMaxTables: must be 0 or more, got -5",
        "backup.keepVerified: must be at least 1 (the last verified backup is never deleted), got 0",
        "backup.keepDays: must be 0 or more, got -1",
        "backup.restoreJobs: must be 0 (the worker's cores) to 64, got 100",
        "backup.maxVerifiedAgeHours: must be 0 (off) or more, got -1");
  }

  @Test
  void verificationTargetOnAClusterNodeIsRefusedUnlessAllowPrimary() {
    String target = CLUSTER + """
        backup:
          verification:
            host: 127.0.0.1
            port: 15432
        """;
    assertThat(ConfigErrorsTest.errors(target)).containsExactly(
        "backup.verification: is node pg1 of cluster main: verification restores into a separate instance;"
            + " set allowPrimary: true to allow it anyway");
    BackupConfig allowed = ConfigLoader.parse(target + "    allowPrimary: true\n", Map.of(), "t.yml").backup();
    assertThat(allowed.verification().allowPrimary()).isTrue();
  }

  @Test
  void verificationTargetNeedsHostAndPort() {
    assertThat(ConfigErrorsTest.errors(CLUSTER + """
        backup:
          verification:
            credentials: {passwordEnv: "1bad"}
        """)).contains("backup.verification.host: is required");
  }

  @Test
  void aClusterCanHaveItsOwnVerificationTargetAndTheOthersUseTheDefault() {
    BackupConfig b = ConfigLoader.parse(CLUSTER + """
          billing:
            nodes:
              - name: b1
                host: 127.0.0.1
                port: 16432
                dataDir: /data/b1
        backup:
          tempDir: /var/tmp/pgrb
          verification:
            host: 127.0.0.1
            port: 15434
          verificationTargets:
            billing:
              host: verify-billing.internal
              port: 5432
        """, Map.of(), "t.yml").backup();
    assertThat(b.verificationFor("billing").host()).isEqualTo("verify-billing.internal");
    assertThat(b.verificationFor("main").port()).isEqualTo(15434);
    assertThat(b.verificationFor(null).port()).isEqualTo(15434);
    assertThat(b.tempDir()).isEqualTo("/var/tmp/pgrb");
  }

  @Test
  void perClusterTargetsAreCheckedLikeTheDefaultAndMustNameAConfiguredCluster() {
    assertThat(ConfigErrorsTest.errors(CLUSTER + """
        backup:
          tempDir: " "
          verificationTargets:
            mian:
              host: 127.0.0.1
              port: 15433
            main:
              host: 127.0.0.1
              port: 15432
        """)).containsExactlyInAnyOrder(
        "backup.verificationTargets.mian: names no configured cluster (clusters: main)",
        "backup.verificationTargets.main: is node pg1 of cluster main: verification restores into a separate"
            + " instance; set allowPrimary: true to allow it anyway",
        "backup.tempDir: is empty: leave it out for the JVM's temporary directory, or name a directory");
    assertThat(ConfigErrorsTest.errors(CLUSTER + """
        backup:
          verificationTargets:
            main:
        """)).containsExactly("backup.verificationTargets.main: needs host and port of the PostgreSQL instance"
        + " this cluster's backups are verified on");
  }
}
