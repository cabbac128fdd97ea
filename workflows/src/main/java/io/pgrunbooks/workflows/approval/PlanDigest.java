package io.pgrunbooks.workflows.approval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 digest (hex) of the facts a plan acts on: the exact objects and the numbers an approver
 * judged by. Pure and deterministic, so workflow code may call it; an approval is bound to the digest
 * of the plan it was given, and a plan whose digest changed needs a new approval.
 */
public final class PlanDigest {
  private PlanDigest() {}

  /** Digest of named facts; the order of the map does not matter. */
  public static String of(Map<String, String> facts) {
    StringBuilder canonical = new StringBuilder();
    new TreeMap<>(facts).forEach((k, v) -> append(append(canonical, k), v));
    return sha256(canonical.toString());
  }

  /** Digest of facts whose order matters (statements in the order they will run). */
  public static String of(List<String> parts) {
    StringBuilder canonical = new StringBuilder();
    parts.forEach(p -> append(canonical, p));
    return sha256(canonical.toString());
  }

  public static String of(String... parts) {
    return of(List.of(parts));
  }

  // Length-prefixed so that no two different fact lists share a canonical string ("a,b" + "c" vs "a" + "b,c").
  private static StringBuilder append(StringBuilder sb, String value) {
    if (value == null) {
      return sb.append("-1:\n");
    }
    return sb.append(value.length()).append(':').append(value).append('\n');
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
