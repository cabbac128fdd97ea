package io.pgrunbooks.workflows.approval;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of approval decisions. The REST API (which authenticated the approver)
 * signs; an activity in the worker verifies. Both hold the key from config; workflow code never
 * sees it, so it never enters history. The signed text binds the decision to one run, one request,
 * one approver and one plan digest, so a signature cannot be replayed elsewhere.
 */
public final class ApprovalSignatures {
  public static final String APPROVE = "APPROVE";
  public static final String REJECT = "REJECT";

  private ApprovalSignatures() {}

  public static String sign(byte[] key, String workflowId, String requestId, String approver, String decision,
                            String planDigest) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] text = String.join("\n", workflowId, requestId, approver, decision, String.valueOf(planDigest))
          .getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(mac.doFinal(text));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Constant-time comparison of {@code signature} with the expected one. */
  public static boolean verify(byte[] key, String workflowId, String requestId, String approver, String decision,
                               String planDigest, String signature) {
    if (signature == null) {
      return false;
    }
    String expected = sign(key, workflowId, requestId, approver, decision, planDigest);
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        signature.getBytes(StandardCharsets.UTF_8));
  }
}
