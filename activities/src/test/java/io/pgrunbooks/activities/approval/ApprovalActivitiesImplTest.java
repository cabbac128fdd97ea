package io.pgrunbooks.activities.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.activities.ApprovalPolicyInput;
import io.pgrunbooks.workflows.activities.VerifySignatureInput;
import io.pgrunbooks.workflows.approval.ApprovalSignatures;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ApprovalActivitiesImplTest {
  private static final String KEY = "approval-key-shared-with-the-api";
  private static final String HEX_KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  private static final String WF = "archive-partition:main:app:public.agent_routing_metrics_2024_01";
  private static final String DIGEST = "sha256:5d41402abc4b2a76b9719d911017c592";
  private static final String RUN = "0f9c7e8a-run-1";

  private static final String YAML = """
      temporal:
        uiUrl: https://temporal.example.com
      clusters:
        main:
          nodes:
            - {name: pg1, host: db1.internal, dataDir: /srv/pg}
          databases: {app: {}, billing: {}}
        dr:
          nodes:
            - {name: dr1, host: db9.internal, dataDir: /srv/pg}
          databases: {app: {}}
      approvals:
        defaultTimeout: 24h
        timeouts: {Failover: 30m}
        approvers:
          - {name: alice, roles: [dba, approver]}
          - {name: bob, roles: [dba]}
          - {name: carol, roles: [sre, approver]}
        roles: {Failover: [dba]}
        twoPersonRunbooks: [Failover]
        signedRunbooks: [Failover]
        signingKeyEnv: APPROVAL_KEY
        preApprovals:
          - {runbook: ArchivePartition, step: drop-partition, cluster: main, database: app, target: public.agent_routing_metrics}
          - {runbook: PartitionMaintenance, step: create-partitions, cluster: main, database: app, target: '*'}
          - {runbook: ArchivePartition, step: drop-partition, cluster: main, database: app, target: public.domain_events}
          - {runbook: ArchivePartition, step: detach-partition, cluster: main, database: app, target: '*'}
      """;

  private final RunbooksConfig config = ConfigLoader.parse(YAML, Map.of(), "test");
  private final ApprovalActivitiesImpl activities = new ApprovalActivitiesImpl(config, Map.of("APPROVAL_KEY", KEY));

  private static VerifySignatureInput decision(String workflowId, String approver, String decision, String digest,
                                               String signature) {
    return new VerifySignatureInput(workflowId, RUN, "req-1", approver, decision, digest, signature);
  }

  private static String sign(byte[] key, String workflowId, String approver, String decision, String digest) {
    return ApprovalSignatures.sign(key, workflowId, RUN, "req-1", approver, decision, digest);
  }

  @Test
  void policyOfTwoPersonRunbookNeedsTwo() {
    ApprovalPolicy failover = activities.approvalPolicy(new ApprovalPolicyInput("Failover", "main", "main"));
    ApprovalPolicy backup = activities.approvalPolicy(new ApprovalPolicyInput("Backup", "main", "app"));

    assertThat(failover.approvalsNeeded()).isEqualTo(2);
    assertThat(failover.signatureRequired()).isTrue();
    assertThat(failover.approvers()).containsExactly(
        Map.entry("alice", List.of("dba", "approver")),
        Map.entry("bob", List.of("dba")),
        Map.entry("carol", List.of("sre", "approver")));
    assertThat(failover.uiUrl()).isEqualTo("https://temporal.example.com");
    assertThat(backup.approvalsNeeded()).isEqualTo(1);
    assertThat(backup.signatureRequired()).isFalse();
  }

  @Test
  void identityRolesReachThePolicyOfSignedRunbooksOnly() {
    RunbooksConfig trusting = ConfigLoader.parse(YAML.replace("  signedRunbooks: [Failover]\n",
        "  signedRunbooks: [Failover]\n  identityRoles: true\n"), Map.of(), "test");
    ApprovalActivitiesImpl withRoles = new ApprovalActivitiesImpl(trusting, Map.of("APPROVAL_KEY", KEY));

    assertThat(withRoles.approvalPolicy(new ApprovalPolicyInput("Failover", "main", "main")).identityRoles()).isTrue();
    assertThat(withRoles.approvalPolicy(new ApprovalPolicyInput("Backup", "main", "app")).identityRoles()).isFalse();
    assertThat(activities.approvalPolicy(new ApprovalPolicyInput("Failover", "main", "main")).identityRoles()).isFalse();
  }

  @Test
  void decisionWithRolesIsVerifiedAgainstTheV3TextThatBindsThem() {
    byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
    String source = "oidc https://sso.example.com/realms/pgr";
    String signed = ApprovalSignatures.signWithRoles(key, WF, RUN, "req-1", "erin", ApprovalSignatures.APPROVE,
        DIGEST, source, List.of("dba", "viewer"));

    assertThat(activities.verifySignature(new VerifySignatureInput(WF, RUN, "req-1", "erin",
        ApprovalSignatures.APPROVE, DIGEST, signed, List.of("viewer", "dba"), source))).isTrue();
    assertThat(activities.verifySignature(new VerifySignatureInput(WF, RUN, "req-1", "erin",
        ApprovalSignatures.APPROVE, DIGEST, signed, List.of("dba", "viewer", "approver"), source))).isFalse();
    assertThat(activities.verifySignature(new VerifySignatureInput(WF, RUN, "req-1", "erin",
        ApprovalSignatures.APPROVE, DIGEST, signed, List.of("dba", "viewer"), "basic"))).isFalse();
    // The same signature without its roles is checked as v2, and fails.
    assertThat(activities.verifySignature(decision(WF, "erin", ApprovalSignatures.APPROVE, DIGEST, signed))).isFalse();
  }

  @Test
  void perRunbookTimeoutAndRolesOverrideDefaults() {
    ApprovalPolicy failover = activities.approvalPolicy(new ApprovalPolicyInput("Failover", "main", "main"));
    ApprovalPolicy archive = activities.approvalPolicy(new ApprovalPolicyInput("ArchivePartition", "main", "x"));

    assertThat(failover.timeoutSeconds()).isEqualTo(30 * 60);
    assertThat(failover.allowedRoles()).containsExactly("dba");
    assertThat(archive.timeoutSeconds()).isEqualTo(24 * 3600);
    assertThat(archive.allowedRoles()).containsExactly("approver");
  }

  @Test
  void preApprovalMatchesRunbookStepAndTargetWithConfigPath() {
    ApprovalPolicy metrics = activities.approvalPolicy(
        new ApprovalPolicyInput("ArchivePartition", "main", "public.agent_routing_metrics", "app"));
    ApprovalPolicy other = activities.approvalPolicy(
        new ApprovalPolicyInput("ArchivePartition", "main", "public.orders", "app"));
    ApprovalPolicy maintenance = activities.approvalPolicy(
        new ApprovalPolicyInput("PartitionMaintenance", "main", "main/app", "app"));
    ApprovalPolicy failover = activities.approvalPolicy(new ApprovalPolicyInput("Failover", "main", "main"));

    assertThat(metrics.preApprovals()).containsExactly(
        new PreApproval("drop-partition", "public.agent_routing_metrics", "approvals.preApprovals[0]"),
        new PreApproval("detach-partition", "*", "approvals.preApprovals[3]"));
    assertThat(other.preApprovals()).containsExactly(
        new PreApproval("detach-partition", "*", "approvals.preApprovals[3]"));
    assertThat(maintenance.preApprovals()).containsExactly(
        new PreApproval("create-partitions", "*", "approvals.preApprovals[1]"));
    assertThat(failover.preApprovals()).isEmpty();
  }

  @Test
  void preApprovalForMainAppNeverCoversAnotherDatabaseOrCluster() {
    ApprovalPolicy otherDatabase = activities.approvalPolicy(
        new ApprovalPolicyInput("ArchivePartition", "main", "public.agent_routing_metrics", "billing"));
    ApprovalPolicy otherCluster = activities.approvalPolicy(
        new ApprovalPolicyInput("ArchivePartition", "dr", "public.agent_routing_metrics", "app"));
    ApprovalPolicy noDatabase = activities.approvalPolicy(
        new ApprovalPolicyInput("ArchivePartition", "main", "public.agent_routing_metrics"));
    ApprovalPolicy maintenanceElsewhere = activities.approvalPolicy(
        new ApprovalPolicyInput("PartitionMaintenance", "dr", "dr/app", "app"));

    assertThat(otherDatabase.preApprovals()).isEmpty();
    assertThat(otherCluster.preApprovals()).isEmpty();
    assertThat(noDatabase.preApprovals()).isEmpty();
    assertThat(maintenanceElsewhere.preApprovals()).isEmpty();
  }

  @Test
  void missingRunbookIsBadInput() {
    ApplicationFailure e = catchThrowableOfType(ApplicationFailure.class,
        () -> activities.approvalPolicy(new ApprovalPolicyInput(null, "main", "x")));

    assertThat(e.getType()).isEqualTo(FailureTypes.BAD_INPUT);
    assertThat(e.isNonRetryable()).isTrue();
  }

  @Test
  void runbookTheConfigDoesNotMentionGetsTheDefaults() {
    ApprovalPolicy policy = activities.approvalPolicy(new ApprovalPolicyInput("SomeTestRunbook", "main", "x"));

    assertThat(policy.approvalsNeeded()).isEqualTo(1);
    assertThat(policy.allowedRoles()).containsExactly("approver");
    assertThat(policy.preApprovals()).isEmpty();
    assertThat(policy.signatureRequired()).isFalse();
  }

  @Test
  void signatureFromTheApiKeyVerifies() {
    byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
    String signature = sign(key, WF, "alice", ApprovalSignatures.APPROVE, DIGEST);

    assertThat(activities.verifySignature(decision(WF, "alice", ApprovalSignatures.APPROVE, DIGEST, signature))).isTrue();

    ApprovalActivitiesImpl hexKeyed = new ApprovalActivitiesImpl(config, Map.of("APPROVAL_KEY", "hex:" + HEX_KEY));
    String hexSigned = sign(HexFormat.of().parseHex(HEX_KEY), WF, "bob", ApprovalSignatures.REJECT, DIGEST);
    assertThat(hexKeyed.verifySignature(decision(WF, "bob", ApprovalSignatures.REJECT, DIGEST, hexSigned))).isTrue();
  }

  @Test
  void tamperedDecisionDoesNotVerify() {
    String signature = sign(KEY.getBytes(StandardCharsets.UTF_8), WF, "alice", ApprovalSignatures.APPROVE, DIGEST);

    assertThat(activities.verifySignature(decision(WF, "mallory", ApprovalSignatures.APPROVE, DIGEST, signature))).isFalse();
    assertThat(activities.verifySignature(decision(WF, "alice", ApprovalSignatures.REJECT, DIGEST, signature))).isFalse();
    assertThat(activities.verifySignature(decision(WF, "alice", ApprovalSignatures.APPROVE, "sha256:other", signature)))
        .isFalse();
    assertThat(activities.verifySignature(decision("failover:main", "alice", ApprovalSignatures.APPROVE, DIGEST, signature)))
        .isFalse();
    assertThat(activities.verifySignature(
        new VerifySignatureInput(WF, RUN, "req-2", "alice", ApprovalSignatures.APPROVE, DIGEST, signature))).isFalse();
    assertThat(activities.verifySignature(
        new VerifySignatureInput(WF, "a-later-run", "req-1", "alice", ApprovalSignatures.APPROVE, DIGEST, signature)))
        .isFalse();
    assertThat(activities.verifySignature(decision(WF, "alice", ApprovalSignatures.APPROVE, DIGEST, null))).isFalse();
    String otherKey = sign("another-key-of-enough-length".getBytes(StandardCharsets.UTF_8), WF, "alice",
        ApprovalSignatures.APPROVE, DIGEST);
    assertThat(activities.verifySignature(decision(WF, "alice", ApprovalSignatures.APPROVE, DIGEST, otherKey))).isFalse();
  }

  @Test
  void signatureWithoutRunIdFromAnOldSignerIsRefusedAndLoggedAsSuch() {
    byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
    String unbound = oldFormatSignature(key, String.join("\n", WF, "req-1", "alice", ApprovalSignatures.APPROVE, DIGEST));
    assertThat(ApprovalSignatures.isUnboundSignature(key, WF, "req-1", "alice", ApprovalSignatures.APPROVE, DIGEST,
        unbound)).isTrue();

    Logger logger = (Logger) LoggerFactory.getLogger(ApprovalActivitiesImpl.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try {
      assertThat(activities.verifySignature(decision(WF, "alice", ApprovalSignatures.APPROVE, DIGEST, unbound)))
          .isFalse();
      assertThat(activities.verifySignature(new VerifySignatureInput(WF, null, "req-1", "alice",
          ApprovalSignatures.APPROVE, DIGEST, sign(key, WF, "alice", ApprovalSignatures.APPROVE, DIGEST)))).isFalse();
    } finally {
      logger.detachAppender(logs);
    }
    assertThat(logs.list.get(0).getFormattedMessage()).contains("old signature format without the run id");
  }

  /** The first signature format: HMAC over workflow id, request, approver, decision, digest (no run id). */
  private static String oldFormatSignature(byte[] key, String text) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void missingSigningKeyIsAConfigFailureSayingHowToSetIt() {
    RunbooksConfig unsigned = ConfigLoader.parse(
        YAML.replace("  signedRunbooks: [Failover]\n  signingKeyEnv: APPROVAL_KEY\n", ""), Map.of(), "t");
    assertThat(unsigned.approvals().signingKeyConfigured()).isFalse();
    VerifySignatureInput input = decision(WF, "alice", ApprovalSignatures.APPROVE, DIGEST, "00");

    assertThatThrownBy(() -> new ApprovalActivitiesImpl(unsigned, Map.of()).verifySignature(input))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(FailureTypes.CONFIG);
          assertThat(e.isNonRetryable()).isTrue();
          assertThat(e.getOriginalMessage()).contains("no signing key is configured",
              "approvals.signingKeyEnv: <ENV_VAR_NAME>", "approvals.signingKeyFile: <path>");
        });
    assertThatThrownBy(() -> new ApprovalActivitiesImpl(config, Map.of()).verifySignature(input))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(FailureTypes.CONFIG);
          assertThat(e.isNonRetryable()).isTrue();
          assertThat(e.getOriginalMessage())
              .startsWith("approval signing key: environment variable APPROVAL_KEY is not set;");
        });
  }

  @Test
  void keyNeverAppearsInResultsOrErrors() throws Exception {
    String json = DataConverters.objectMapper().writeValueAsString(
        activities.approvalPolicy(new ApprovalPolicyInput("Failover", "main", "main")));
    assertThat(json).doesNotContain(KEY, "APPROVAL_KEY");

    Logger logger = (Logger) LoggerFactory.getLogger(ApprovalActivitiesImpl.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    String signature = sign(KEY.getBytes(StandardCharsets.UTF_8), WF, "alice", ApprovalSignatures.APPROVE, DIGEST);
    try {
      assertThat(activities.verifySignature(decision(WF, "alice", ApprovalSignatures.APPROVE, DIGEST, signature))).isTrue();
      assertThat(activities.verifySignature(decision(WF, "bob", ApprovalSignatures.APPROVE, DIGEST, signature))).isFalse();
    } finally {
      logger.detachAppender(logs);
    }
    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
        .hasSize(2)
        .allSatisfy(line -> assertThat(line).doesNotContain(KEY, signature));

    String tooShort = "hex:abcd";
    String badHex = "hex:zz" + HEX_KEY;
    for (String value : List.of(tooShort, badHex)) {
      ApplicationFailure e = catchThrowableOfType(ApplicationFailure.class,
          () -> new ApprovalActivitiesImpl(config, Map.of("APPROVAL_KEY", value))
              .verifySignature(decision(WF, "alice", ApprovalSignatures.APPROVE, DIGEST, "sig")));
      assertThat(e.getType()).isEqualTo(FailureTypes.CONFIG);
      assertThat(e.getOriginalMessage()).doesNotContain(value, value.substring(4), HEX_KEY);
      assertThat(e.getCause()).isNull();
    }
  }
}
