package io.pgrunbooks.activities.backup;

import io.pgrunbooks.activities.postgres.Identifiers;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** SQL helpers shared by the backup and the verification side. */
final class BackupSql {
  private BackupSql() {}

  static long count(Connection c, String schema, String table) throws SQLException {
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM " + Identifiers.quote(schema, table))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static RuntimeException sqlFailure(String what, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.startsWith("08")) {
      return ApplicationFailure.newFailure(what + ": " + e.getMessage(), FailureTypes.UNREACHABLE);
    }
    return ApplicationFailure.newFailure(what + ": " + e.getMessage() + " (SQLSTATE " + state + ")", "SqlError");
  }
}
