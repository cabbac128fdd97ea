package io.pgrunbooks.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may approve destructive steps and how.
 *
 * @param defaultTimeout how long a run waits for an approval before it times out safely (default 24h)
 * @param twoPersonRunbooks workflow types whose approvals need two different approvers
 * @param preApprovals steps that run without waiting, for the given target only
 * @param signedRunbooks workflow types whose approvals must be signed (by the REST API, with the signing key)
 * @param timeouts per workflow type, overrides {@code defaultTimeout}
 * @param roles per workflow type, the roles that may approve it (default {@code [approver]})
 * @param signingKeyEnv environment variable holding the key approval signatures are made with
 * @param signingKeyFile file holding that key (instead of {@code signingKeyEnv}); one trailing newline is ignored
 * @param identityRoles (default false) on the {@code signedRunbooks}, a person not listed in {@code approvers} may
 *     decide with the roles the REST API granted it (from {@code api.oidc.roles} or {@code api.users}) and signed
 *     with the decision; listed approvers keep their config roles
 */
public record ApprovalsConfig(
    Duration defaultTimeout,
    List<ApproverConfig> approvers,
    List<String> twoPersonRunbooks,
    List<PreApprovalConfig> preApprovals,
    List<String> signedRunbooks,
    Map<String, Duration> timeouts,
    Map<String, List<String>> roles,
    String signingKeyEnv,
    String signingKeyFile,
    boolean identityRoles) {

  /** The role an approver needs when a runbook has no {@code roles} entry. */
  public static final List<String> DEFAULT_ROLES = List.of("approver");

  /** Prefix of a signing key written as hex digits rather than used as its UTF-8 bytes. */
  public static final String HEX_PREFIX = "hex:";

  /** Below this, a signing key could be guessed, and a guessed key signs anything. */
  public static final int MIN_SIGNING_KEY_BYTES = 16;

  public ApprovalsConfig {
    defaultTimeout = defaultTimeout == null ? Duration.ofHours(24) : defaultTimeout;
    approvers = Copies.list(approvers);
    twoPersonRunbooks = Copies.list(twoPersonRunbooks);
    preApprovals = Copies.list(preApprovals);
    signedRunbooks = Copies.list(signedRunbooks);
    timeouts = Copies.map(timeouts);
    roles = copyRoles(roles);
  }

  public static ApprovalsConfig defaults() {
    return new ApprovalsConfig(null, null, null, null, null, null, null, null, null, false);
  }

  /** Whether this workflow type accepts unlisted approvers with signed identity roles. */
  public boolean identityRoles(String runbook) {
    return identityRoles && signedRunbooks.contains(runbook);
  }

  /** The approver with this name, or null. */
  public ApproverConfig approver(String name) {
    return approvers.stream().filter(a -> a != null && a.name() != null && a.name().equals(name)).findFirst().orElse(null);
  }

  /** How long an approval of this workflow type waits: its {@code timeouts} entry, else {@code defaultTimeout}. */
  public Duration timeout(String runbook) {
    Duration own = runbook == null ? null : timeouts.get(runbook);
    return own == null ? defaultTimeout : own;
  }

  /** Roles that may approve this workflow type: its {@code roles} entry, else {@link #DEFAULT_ROLES}. */
  public List<String> allowedRoles(String runbook) {
    List<String> own = runbook == null ? null : roles.get(runbook);
    return own == null || own.isEmpty() ? DEFAULT_ROLES : own;
  }

  /** Whether a signing key source is configured (it may still be unreadable: see {@link #signingKey}). */
  public boolean signingKeyConfigured() {
    return signingKeyEnv != null || signingKeyFile != null;
  }

  /**
   * The approval signing key: the UTF-8 bytes of the value, or the bytes of the hex digits after
   * {@value #HEX_PREFIX}. Null when no source is configured.
   *
   * @throws IllegalStateException naming the variable or file (never the value) when it is unset,
   *     unreadable, not valid hex or too short
   */
  public byte[] signingKey(Map<String, String> env) {
    String value = Secrets.resolve("approval signing key", signingKeyEnv, signingKeyFile, env);
    if (value == null) {
      return null;
    }
    String source = signingKeyEnv != null ? "environment variable " + signingKeyEnv : signingKeyFile;
    byte[] key;
    if (value.startsWith(HEX_PREFIX)) {
      try {
        key = HexFormat.of().parseHex(value.substring(HEX_PREFIX.length()).strip());
      } catch (IllegalArgumentException e) {
        // The parser's message would quote the offending digits: part of the key.
        throw new IllegalStateException("approval signing key: " + source + " starts with " + HEX_PREFIX
            + " but the rest is not an even number of hex digits");
      }
    } else {
      key = value.getBytes(StandardCharsets.UTF_8);
    }
    if (key.length < MIN_SIGNING_KEY_BYTES) {
      throw new IllegalStateException("approval signing key: " + source + " holds " + key.length
          + " bytes; use at least " + MIN_SIGNING_KEY_BYTES + " random bytes (e.g. hex: followed by the output of"
          + " `openssl rand -hex 32`)");
    }
    return key;
  }

  private static Map<String, List<String>> copyRoles(Map<String, List<String>> in) {
    if (in == null) {
      return Map.of();
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, v == null ? null : Copies.list(v)));
    return Copies.map(out);
  }
}
