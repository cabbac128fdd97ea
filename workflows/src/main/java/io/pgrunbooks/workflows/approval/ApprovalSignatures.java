package io.pgrunbooks.workflows.approval;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HexFormat;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of approval decisions. The REST API (which authenticated the approver)
 * signs; an activity in the worker verifies. Both hold the key from config; workflow code never
 * sees it, so it never enters history. The signed text (version {@value #VERSION}) binds the decision
 * to one workflow id, one run id, one request, one approver and one plan digest, so a signature cannot
 * be replayed into another run of the same workflow id nor into another request of the same run.
 * Signatures of the first format (no run id) never verify; {@link #isUnboundSignature} names them.
 *
 * <p>Version {@value #VERSION_ROLES} ({@link #signWithRoles}) also binds the approver's roles as the API resolved
 * them (sorted, without duplicates) and the identity source that vouched for them ({@code oidc <issuer>} or
 * {@code basic}): a worker configured with {@code approvals.identityRoles} trusts those roles for an approver its
 * config does not list. A decision without roles keeps the v2 text.
 */
public final class ApprovalSignatures {
  public static final String APPROVE = "APPROVE";
  public static final String REJECT = "REJECT";
  /** Prefix of the signed text; a new format gets a new version so old signatures never verify. */
  public static final String VERSION = "pg-runbooks-approval-v2";

  /** Identity source of a user of the config's {@code api.users} (HTTP Basic). */
  public static final String BASIC_SOURCE = "basic";
  /** Prefix of the identity source of a user signed in through OpenID Connect: {@code oidc <issuer>}. */
  public static final String OIDC_SOURCE_PREFIX = "oidc ";
  /** Prefix of the signed text of a decision that carries the approver's roles. */
  public static final String VERSION_ROLES = "pg-runbooks-approval-v3";

  private ApprovalSignatures() {}

  /** The identity source of a user the provider {@code issuer} signed in. */
  public static String oidcSource(String issuer) {
    return OIDC_SOURCE_PREFIX + issuer;
  }

  /**
   * The v3 signature: the v2 fields plus {@code identitySource} and the roles, sorted and joined with commas.
   *
   * @throws IllegalArgumentException without a run id, an identity source or roles, or for a role with a comma
   *     or a line break (which would make two role lists sign alike)
   */
  public static String signWithRoles(byte[] key, String workflowId, String runId, String requestId, String approver,
                                     String decision, String planDigest, String identitySource,
                                     Collection<String> roles) {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("a signature must name the run id it approves");
    }
    if (identitySource == null || identitySource.isBlank() || identitySource.contains("\n")) {
      throw new IllegalArgumentException("a signature with roles must name the identity source on one line");
    }
    return hmac(key, String.join("\n", VERSION_ROLES, workflowId, runId, requestId, approver, decision,
        String.valueOf(planDigest), identitySource, roleText(roles)));
  }

  /** Constant-time check of a v3 signature; false without a run id, signature, identity source or roles. */
  public static boolean verifyWithRoles(byte[] key, String workflowId, String runId, String requestId,
                                        String approver, String decision, String planDigest, String identitySource,
                                        Collection<String> roles, String signature) {
    if (signature == null || runId == null || runId.isBlank() || identitySource == null || identitySource.isBlank()
        || identitySource.contains("\n") || roles == null || roles.isEmpty()
        || roles.stream().anyMatch(r -> r == null || r.isBlank() || r.contains(",") || r.contains("\n"))) {
      return false;
    }
    String expected = signWithRoles(key, workflowId, runId, requestId, approver, decision, planDigest, identitySource,
        roles);
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        signature.getBytes(StandardCharsets.UTF_8));
  }

  /** The roles as signed: stripped, sorted, without duplicates, joined with commas. */
  static String roleText(Collection<String> roles) {
    if (roles == null || roles.isEmpty()) {
      throw new IllegalArgumentException("a signature with roles needs at least one role");
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (String role : roles) {
      if (role == null || role.isBlank() || role.contains(",") || role.contains("\n")) {
        throw new IllegalArgumentException("role '" + role + "' cannot be signed: roles are non-empty and hold no"
            + " comma or line break");
      }
      sorted.add(role.strip());
    }
    return String.join(",", sorted);
  }

  public static String sign(byte[] key, String workflowId, String runId, String requestId, String approver,
                            String decision, String planDigest) {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("a signature must name the run id it approves");
    }
    return hmac(key, String.join("\n", VERSION, workflowId, runId, requestId, approver, decision,
        String.valueOf(planDigest)));
  }

  /** Constant-time comparison of {@code signature} with the expected one; false without a run id. */
  public static boolean verify(byte[] key, String workflowId, String runId, String requestId, String approver,
                               String decision, String planDigest, String signature) {
    if (signature == null || runId == null || runId.isBlank()) {
      return false;
    }
    String expected = sign(key, workflowId, runId, requestId, approver, decision, planDigest);
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        signature.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * True when {@code signature} is a first-format signature (workflow id, request, approver, decision,
   * digest, no run id): a signer older than run binding, or a replay of one. Only to say why it is refused.
   */
  public static boolean isUnboundSignature(byte[] key, String workflowId, String requestId, String approver,
                                           String decision, String planDigest, String signature) {
    if (signature == null) {
      return false;
    }
    String unbound = hmac(key, String.join("\n", workflowId, requestId, approver, decision,
        String.valueOf(planDigest)));
    return MessageDigest.isEqual(unbound.getBytes(StandardCharsets.UTF_8),
        signature.getBytes(StandardCharsets.UTF_8));
  }

  private static String hmac(byte[] key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
