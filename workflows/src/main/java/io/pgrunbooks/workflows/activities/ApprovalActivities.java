package io.pgrunbooks.workflows.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Approval facts that must not be decided from workflow input: who may approve (read from the
 * worker's config once per run, so the decision is recorded in history) and whether a signed
 * decision is genuine (the signing key stays in the worker; it never enters history).
 */
@ActivityInterface
public interface ApprovalActivities {
  @ActivityMethod
  ApprovalPolicy approvalPolicy(ApprovalPolicyInput input);

  /** True when {@code signature} is the HMAC of the decision under the configured signing key. */
  @ActivityMethod
  boolean verifySignature(VerifySignatureInput input);
}
