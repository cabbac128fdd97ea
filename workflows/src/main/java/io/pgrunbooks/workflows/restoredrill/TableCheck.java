package io.pgrunbooks.workflows.restoredrill;

/** Row count of a table no one wrote since the target, on the primary and in the restored instance (-1 = missing). */
public record TableCheck(String table, long primaryRows, long restoredRows) {
  public boolean matches() {
    return primaryRows == restoredRows;
  }
}
