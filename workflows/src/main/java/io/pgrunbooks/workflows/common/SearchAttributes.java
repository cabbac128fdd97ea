package io.pgrunbooks.workflows.common;

import io.temporal.common.SearchAttributeKey;
import java.util.Map;

/**
 * Custom search attributes of the public contract (DESIGN.md section 4). The Temporal server
 * must have them registered ({@link #DEFINITIONS}: name to Temporal type) before any run upserts
 * them; the local stack does this when it starts the dev server.
 */
public final class SearchAttributes {
  public static final SearchAttributeKey<String> TYPE = SearchAttributeKey.forKeyword("RunbookType");
  public static final SearchAttributeKey<String> CLUSTER = SearchAttributeKey.forKeyword("RunbookCluster");
  public static final SearchAttributeKey<String> TARGET = SearchAttributeKey.forKeyword("RunbookTarget");
  public static final SearchAttributeKey<String> STATE = SearchAttributeKey.forKeyword("RunbookState");
  public static final SearchAttributeKey<Boolean> DRY_RUN = SearchAttributeKey.forBoolean("RunbookDryRun");
  /**
   * Set by a BackupVerification that passed: the verified backup's age in whole hours at verification
   * time, so {@code RunbookType='BackupVerification' AND RunbookBackupAgeHours > 26} finds stale proofs.
   */
  public static final SearchAttributeKey<Long> BACKUP_AGE_HOURS = SearchAttributeKey.forLong("RunbookBackupAgeHours");

  /** Name to Temporal indexed-value type, as {@code temporal operator search-attribute create} takes them. */
  public static final Map<String, String> DEFINITIONS = Map.of(
      TYPE.getName(), "Keyword",
      CLUSTER.getName(), "Keyword",
      TARGET.getName(), "Keyword",
      STATE.getName(), "Keyword",
      DRY_RUN.getName(), "Bool",
      BACKUP_AGE_HOURS.getName(), "Int");

  private SearchAttributes() {}
}
