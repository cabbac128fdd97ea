package io.pgrunbooks.config;

import static io.pgrunbooks.config.ConfigErrorsTest.errors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The approvals section: per-runbook overrides, pre-approvals and the signing key. */
class ApprovalsConfigTest {
  /** The registry's runbooks (runbooks.txt), which the messages list and which grow with every runbook. */
  private static final String KNOWN = String.join(", ", RunbookKinds.fromClassPath().names());

  private static final String KEY = "0123456789abcdef-approval-key";

  @TempDir Path dir;

  private static String yaml(String approvals) {
    return ConfigErrorsTest.withNode2("dataDir: /d") + "approvals:\n" + approvals.indent(2);
  }

  private static ApprovalsConfig parse(String approvals) {
    return ConfigLoader.parse(yaml(approvals), Map.of(), "t").approvals();
  }

  @Test
  void perRunbookTimeoutAndRolesOverrideTheDefaults() {
    ApprovalsConfig a =
        parse("""
            defaultTimeout: 12h
            timeouts: {Failover: 30m}
            approvers: [{name: alice, roles: [dba]}]
            roles: {Failover: [dba, sre]}
            """);

    assertThat(a.timeout("Failover")).isEqualTo(Duration.ofMinutes(30));
    assertThat(a.timeout("Backup")).isEqualTo(Duration.ofHours(12));
    assertThat(a.allowedRoles("Failover")).containsExactly("dba", "sre");
    assertThat(a.allowedRoles("Backup")).containsExactly("approver");
  }

  @Test
  void unknownRunbookInTimeoutsOrRolesIsRefused() {
    assertThat(errors(yaml("timeouts: {Vacuum: 1h}\nroles: {Vacum: [dba]}")))
        .containsExactly(
            "approvals.timeouts.Vacuum: unknown runbook \"Vacuum\" (known: " + KNOWN + ")",
            "approvals.roles.Vacum: unknown runbook \"Vacum\" (known: " + KNOWN + ")");
  }

  @Test
  void zeroOrMissingTimeoutIsRefused() {
    assertThat(errors(yaml("timeouts: {Failover: 0s, Backup: }")))
        .containsExactly(
            "approvals.timeouts.Failover: must be positive, got 0s",
            "approvals.timeouts.Backup: expected a duration such as 500ms, 30s, 15m, 24h, 2d or PT24H, got nothing");
  }

  @Test
  void emptyRoleListOrRolesNoApproverHoldsAreRefused() {
    assertThat(errors(yaml("approvers: [{name: alice, roles: [dba]}]\nroles: {Failover: [], Backup: [sre]}")))
        .containsExactly(
            "approvals.roles.Failover: at least one role is required, and no empty ones (omit the entry for the default [approver])",
            "approvals.roles.Backup: no approver in approvals.approvers has any of the roles [sre], so no Backup run could ever be approved");
  }

  @Test
  void twoPersonRunbookWithOnlyOneEligibleApproverIsRefused() {
    assertThat(errors(yaml("""
        approvers: [{name: alice, roles: [dba]}, {name: carol, roles: [sre]}]
        roles: {Failover: [dba]}
        twoPersonRunbooks: [Failover]
        """)))
        .containsExactly(
            "approvals.twoPersonRunbooks[0]: Failover needs two approvers with one of the roles [dba], but only alice has one");
  }

  @Test
  void approverWithoutRolesIsRefused() {
    assertThat(errors(yaml("approvers: [{name: alice, roles: []}]")))
        .containsExactly("approvals.approvers[0].roles: at least one role is required, and no empty ones");
  }

  @Test
  void preApprovalNeedsAKnownRunbookAStepAClusterAndATarget() {
    assertThat(errors(yaml("preApprovals:\n  - runbook: Vacuum\n    step: drop\n    cluster: main\n  - {target: '*'}")))
        .containsExactly(
            "approvals.preApprovals[0].runbook: unknown runbook \"Vacuum\" (known: " + KNOWN + ")",
            "approvals.preApprovals[0].target: is required",
            "approvals.preApprovals[1].runbook: is required",
            "approvals.preApprovals[1].step: is required",
            "approvals.preApprovals[1].cluster: is required: a pre-approval names the one cluster it covers");
  }

  @Test
  void preApprovalOfTheOldShapeWithoutClusterAndDatabaseIsRefusedWithEveryProblemAtOnce() {
    String yaml = yaml("""
        preApprovals:
          - {runbook: ArchivePartition, step: drop-partition, target: public.metrics}
          - {runbook: Backup, step: delete-backups, cluster: dr, database: app, target: '*'}
          - {runbook: ArchivePartition, step: drop-partition, cluster: main, database: '*', target: public.m}
          - {runbook: ArchivePartition, step: drop-partition, cluster: main, database: nope, target: public.m}
          - {runbook: Failover, step: promote, cluster: main, database: app, target: pg2}
        """);

    assertThat(errors(yaml)).containsExactly(
        "approvals.preApprovals[0].cluster: is required: a pre-approval names the one cluster it covers",
        "approvals.preApprovals[0].database: is required: ArchivePartition acts on one database and a pre-approval"
            + " names the one it covers",
        "approvals.preApprovals[1].cluster: unknown cluster \"dr\" (configured: main)",
        "approvals.preApprovals[2].database: must name one database, not \"*\"",
        "approvals.preApprovals[3].database: \"nope\" is not a configured database of cluster main"
            + " (clusters.main.databases)",
        "approvals.preApprovals[4].database: Failover acts on a whole cluster; remove the database");
  }

  @Test
  void preApprovalMatchesItsRunbookClusterDatabaseAndTargetOrAnyTarget() {
    PreApprovalConfig exact = new PreApprovalConfig("ArchivePartition", "drop-partition", "main", "app", "public.a");
    PreApprovalConfig any = new PreApprovalConfig("ArchivePartition", "drop-partition", "main", "app", "*");
    PreApprovalConfig failover = new PreApprovalConfig("Failover", "promote", "main", null, "*");

    assertThat(exact.matches("ArchivePartition", "main", "app", "public.a")).isTrue();
    assertThat(exact.matches("ArchivePartition", "main", "app", "public.b")).isFalse();
    assertThat(exact.matches("ArchivePartition", "main", "billing", "public.a")).isFalse();
    assertThat(exact.matches("ArchivePartition", "dr", "app", "public.a")).isFalse();
    assertThat(exact.matches("ArchivePartition", "main", null, "public.a")).isFalse();
    assertThat(exact.matches("PartitionMaintenance", "main", "app", "public.a")).isFalse();
    assertThat(any.matches("ArchivePartition", "main", "app", "public.b")).isTrue();
    assertThat(any.matches("ArchivePartition", "main", "other", "public.b")).isFalse();
    assertThat(any.matches("Failover", "main", "app", "public.b")).isFalse();
    assertThat(failover.matches("Failover", "main", null, "pg2")).isTrue();
    assertThat(failover.matches("Failover", "dr", null, "pg2")).isFalse();
  }

  @Test
  void signedRunbooksNeedASigningKeySource() {
    assertThat(errors(yaml("signedRunbooks: [Failover]")))
        .containsExactly("approvals.signedRunbooks: needs approvals.signingKeyEnv or approvals.signingKeyFile");
    assertThat(parse("signedRunbooks: [Failover]\nsigningKeyEnv: APPROVAL_KEY").signingKeyEnv()).isEqualTo("APPROVAL_KEY");
  }

  @Test
  void identityRolesWithoutSignedDecisionsIsRefusedWithASentence() {
    assertThat(errors(yaml("identityRoles: true")))
        .containsExactly("approvals.identityRoles: trusts roles only when the REST API signed them, so it needs"
            + " signed decisions: list the runbooks in approvals.signedRunbooks (and set approvals.signingKeyEnv or"
            + " signingKeyFile), or set identityRoles: false");
    assertThat(parse("approvers: []").identityRoles()).isFalse();
  }

  @Test
  void identityRolesApplyToSignedRunbooksOnlyAndLetTheConfigNameTooFewApprovers() {
    String withIdentityRoles = """
        identityRoles: true
        signedRunbooks: [Failover]
        signingKeyEnv: APPROVAL_KEY
        approvers: [{name: alice, roles: [dba]}]
        roles: {Failover: [sre]}
        twoPersonRunbooks: [Failover]
        """;
    ApprovalsConfig a = parse(withIdentityRoles);

    assertThat(a.identityRoles("Failover")).isTrue();
    assertThat(a.identityRoles("Backup")).isFalse();
    // Without identity roles nobody listed could approve: the same file is refused.
    assertThat(errors(yaml(withIdentityRoles.replace("identityRoles: true", "identityRoles: false")))).containsExactly(
        "approvals.roles.Failover: no approver in approvals.approvers has any of the roles [sre], so no Failover run"
            + " could ever be approved");
  }

  @Test
  void signingKeyEnvAndFileTogetherOrABadEnvNameAreRefused() {
    assertThat(errors(yaml("signingKeyEnv: A\nsigningKeyFile: k")))
        .containsExactly("approvals.signingKeyFile: set either signingKeyEnv or signingKeyFile, not both");
    assertThat(errors(yaml("signingKeyEnv: approval-key")))
        .containsExactly("approvals.signingKeyEnv: \"approval-key\" is not an environment variable name");
  }

  @Test
  void inlineSigningKeyIsRefusedWithoutShowingIt() {
    List<String> errors = errors(yaml("signingKey: topsecretvalue1234"));
    assertThat(errors)
        .containsExactly(
            "approvals.signingKey: inline secrets are not accepted; set signingKeyEnv: <ENV_VAR_NAME> or signingKeyFile: <path> instead");
    assertThat(String.join("\n", errors)).doesNotContain("topsecretvalue1234");
  }

  @Test
  void signingKeyFromTheEnvironmentIsItsUtf8BytesOrHexDecoded() {
    ApprovalsConfig a = parse("signingKeyEnv: APPROVAL_KEY");

    assertThat(a.signingKey(Map.of("APPROVAL_KEY", KEY))).isEqualTo(KEY.getBytes(StandardCharsets.UTF_8));
    assertThat(a.signingKey(Map.of("APPROVAL_KEY", "hex:000102030405060708090a0b0c0d0e0f")))
        .isEqualTo(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
    assertThat(parse("defaultTimeout: 1h").signingKey(Map.of())).isNull();
  }

  @Test
  void badSigningKeysAreClearErrorsThatNeverShowTheValue() {
    ApprovalsConfig a = parse("signingKeyEnv: APPROVAL_KEY");

    assertThatThrownBy(() -> a.signingKey(Map.of()))
        .hasMessage("approval signing key: environment variable APPROVAL_KEY is not set");
    assertThatThrownBy(() -> a.signingKey(Map.of("APPROVAL_KEY", "hex:zz0011secretish")))
        .hasMessage("approval signing key: environment variable APPROVAL_KEY starts with hex: but the rest is not an even number of hex digits")
        .message().doesNotContain("zz0011secretish");
    assertThatThrownBy(() -> a.signingKey(Map.of("APPROVAL_KEY", "short")))
        .hasMessageStartingWith("approval signing key: environment variable APPROVAL_KEY holds 5 bytes; use at least 16")
        .message().doesNotContain("short\"");
  }

  @Test
  void signingKeyFileIsResolvedRelativeToTheConfigFile() throws Exception {
    Path file = dir.resolve("etc/runbooks.yml");
    Files.createDirectories(dir.resolve("etc/secrets"));
    Files.writeString(file, yaml("signedRunbooks: [Failover]\nsigningKeyFile: secrets/approval.key"));
    Files.writeString(dir.resolve("etc/secrets/approval.key"), KEY + "\n");

    RunbooksConfig c = ConfigLoader.load(file, Map.of());

    assertThat(Path.of(c.approvals().signingKeyFile())).isEqualTo(dir.resolve("etc/secrets/approval.key"));
    assertThat(c.approvals().signingKey(Map.of())).isEqualTo(KEY.getBytes(StandardCharsets.UTF_8));
    assertThat(ConfigLoader.secretProblems(c, Map.of())).isEmpty();
    assertThat(c.approvals().toString()).doesNotContain(KEY);
  }

  @Test
  void unreadableSigningKeyIsASecretProblem() {
    RunbooksConfig c = ConfigLoader.parse(yaml("signingKeyEnv: APPROVAL_KEY"), Map.of(), "t");

    assertThat(ConfigLoader.secretProblems(c, Map.of()))
        .containsExactly("approvals: approval signing key: environment variable APPROVAL_KEY is not set");
    assertThat(ConfigLoader.secretProblems(c, Map.of("APPROVAL_KEY", KEY))).isEmpty();
  }
}
