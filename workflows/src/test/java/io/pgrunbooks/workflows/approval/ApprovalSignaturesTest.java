package io.pgrunbooks.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The v3 format binds the approver's roles and their identity source; v2 stays as it was. */
class ApprovalSignaturesTest {
  private static final byte[] KEY = Fakes.KEY;
  private static final String SOURCE = "oidc https://sso.example.com/realms/pgr";
  private static final String APPROVE = ApprovalSignatures.APPROVE;

  private static String v3(String source, List<String> roles) {
    return ApprovalSignatures.signWithRoles(KEY, "wf", "run-1", "req-1", "erin", APPROVE, "digest", source, roles);
  }

  private static boolean verifies(String source, List<String> roles, String signature) {
    return ApprovalSignatures.verifyWithRoles(KEY, "wf", "run-1", "req-1", "erin", APPROVE, "digest", source, roles,
        signature);
  }

  @Test
  void rolesAreSignedAsASortedSetSoTheirOrderDoesNotMatter() {
    String signed = v3(SOURCE, List.of("viewer", "approver"));

    assertThat(verifies(SOURCE, List.of("approver", "viewer"), signed)).isTrue();
    assertThat(verifies(SOURCE, List.of("approver", "viewer", "approver"), signed)).isTrue();
  }

  @Test
  void addedRolesAnotherSourceOrAnotherKeyDoNotVerify() {
    String signed = v3(SOURCE, List.of("viewer"));

    assertThat(verifies(SOURCE, List.of("viewer", "approver"), signed)).isFalse();
    assertThat(verifies(SOURCE, List.of("approver"), signed)).isFalse();
    assertThat(verifies("basic", List.of("viewer"), signed)).isFalse();
    assertThat(ApprovalSignatures.verifyWithRoles(Fakes.WRONG_KEY, "wf", "run-1", "req-1", "erin", APPROVE, "digest",
        SOURCE, List.of("viewer"), signed)).isFalse();
    assertThat(verifies(SOURCE, List.of(), signed)).isFalse();
    assertThat(verifies(null, List.of("viewer"), signed)).isFalse();
  }

  @Test
  void aV2SignatureNeverPassesAsV3NorTheOtherWayRound() {
    String v2 = ApprovalSignatures.sign(KEY, "wf", "run-1", "req-1", "erin", APPROVE, "digest");
    String v3 = v3(SOURCE, List.of("approver"));

    assertThat(verifies(SOURCE, List.of("approver"), v2)).isFalse();
    assertThat(ApprovalSignatures.verify(KEY, "wf", "run-1", "req-1", "erin", APPROVE, "digest", v3)).isFalse();
    assertThat(ApprovalSignatures.verify(KEY, "wf", "run-1", "req-1", "erin", APPROVE, "digest", v2)).isTrue();
  }

  @Test
  void rolesThatWouldMakeTwoListsSignAlikeAreRefused() {
    assertThatThrownBy(() -> v3(SOURCE, List.of("approver,dba")))
        .hasMessage("role 'approver,dba' cannot be signed: roles are non-empty and hold no comma or line break");
    assertThatThrownBy(() -> v3(SOURCE, List.of()))
        .hasMessage("a signature with roles needs at least one role");
    assertThatThrownBy(() -> v3(" ", List.of("approver")))
        .hasMessage("a signature with roles must name the identity source on one line");
    assertThat(verifies(SOURCE, List.of("approver,dba"), v3(SOURCE, List.of("approver", "dba")))).isFalse();
  }
}
