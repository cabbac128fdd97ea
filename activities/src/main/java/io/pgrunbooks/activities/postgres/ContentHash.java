package io.pgrunbooks.activities.postgres;

import io.pgrunbooks.activities.s3.DigestStreams;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * The canonical CSV of a table, the one the archive stores and whose SHA-256 the manifest records:
 * {@code COPY (SELECT * FROM t) TO STDOUT (FORMAT csv, HEADER)} with fixed output settings, so the
 * export and the dropping transaction produce byte-identical text for identical content. The heap
 * order is part of it: any write (even an UPDATE to the same value) moves a row and changes the hash,
 * which only ever makes a drop refuse, never go ahead.
 */
public final class ContentHash {
  private ContentHash() {}

  /** {@code SET LOCAL}s that fix the text form of every type; call inside the transaction, before the COPY. */
  public static void canonicalSettings(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      // One round trip for all of them. synchronize_seqscans off: a scan joining another one mid-table would start
      // the CSV at another row.
      st.execute("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, MDY'; SET LOCAL IntervalStyle = 'postgres';"
          + " SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'; SET LOCAL synchronize_seqscans = off");
    }
  }

  /** The COPY statement of the canonical CSV of {@code quotedTable}. */
  public static String copySql(String quotedTable) {
    return "COPY (SELECT * FROM " + quotedTable + ") TO STDOUT (FORMAT csv, HEADER)";
  }

  /** Rows and CSV SHA-256 of {@code quotedTable}, in the caller's open transaction (settings applied here). */
  public static Result of(Connection c, String quotedTable) throws SQLException {
    canonicalSettings(c);
    return ofCanonical(c, quotedTable);
  }

  /**
   * Rows and CSV SHA-256 of {@code quotedTable} in the caller's open transaction, whose {@link #canonicalSettings}
   * are already applied (several tables hashed in one transaction set them once).
   */
  public static Result ofCanonical(Connection c, String quotedTable) throws SQLException {
    DigestStreams.Out csv = new DigestStreams.Out(OutputStream.nullOutputStream(), null);
    try {
      long rows = c.unwrap(PGConnection.class).getCopyAPI().copyOut(copySql(quotedTable), csv);
      return new Result(rows, csv.bytes(), csv.hex());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rows, CSV bytes and SHA-256 (hex) of the canonical CSV. */
  public record Result(long rows, long bytes, String sha256) {}
}
