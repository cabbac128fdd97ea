package io.pgrunbooks.config;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What pgjdbc needs to talk to PgBouncer's admin console (the {@code pgbouncer} database). Here because both the
 * local stack (ops) and the failover activities open console connections, and config is the module they share.
 */
public final class PgBouncerConsole {
  /**
   * URL parameters for the console. It only speaks the simple query protocol. pgjdbc 42.7.5+ also sends
   * {@code SET extra_float_digits} after login to servers it takes for pre-12 (the console reports PgBouncer's
   * version), which PgBouncer before 1.25 refuses with "SET failed"; in replication mode pgjdbc skips those initial
   * SETs (pgbouncer/pgbouncer#1509).
   */
  public static final String URL_PARAMETERS = "preferQueryMode=simple&replication=database";

  /** Kept referenced so the logger, and the filter set on it, stay. */
  private static final Logger PGJDBC_CONNECTION = Logger.getLogger("org.postgresql.jdbc.PgConnection");
  private static boolean quiet;

  private PgBouncerConsole() {}

  /**
   * pgjdbc warns "Unsupported Server Version: 1.x/bouncer" on every console connection, because PgBouncer reports
   * its own version there: drops exactly that warning, once per JVM.
   */
  public static synchronized void quietVersionWarning() {
    if (!quiet) {
      PGJDBC_CONNECTION.setFilter(withoutVersionWarning(PGJDBC_CONNECTION.getFilter()));
      quiet = true;
    }
  }

  static Filter withoutVersionWarning(Filter next) {
    return r -> !isVersionWarning(r) && (next == null || next.isLoggable(r));
  }

  private static boolean isVersionWarning(LogRecord r) {
    Object[] params = r.getParameters();
    return "Unsupported Server Version: {0}".equals(r.getMessage()) && params != null && params.length == 1
        && String.valueOf(params[0]).endsWith("/bouncer");
  }
}
