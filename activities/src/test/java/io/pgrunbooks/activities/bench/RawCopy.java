package io.pgrunbooks.activities.bench;

import io.pgrunbooks.activities.postgres.ContentHash;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * The reference the export is measured against: the export's own COPY (same statement, same REPEATABLE READ
 * snapshot, SHARE lock and canonical settings, same PgJDBC CopyManager) into a sink that counts the bytes and
 * drops them. Usage: {@code ArchiveBenchmark rawcopy <host> <port> <password> <table> <postmaster pid> <store pid>}; prints
 * {@code seconds bytes rows peakRssMb cpuSeconds pgCpuSeconds storeCpuSeconds}.
 */
final class RawCopy {
  private RawCopy() {}

  static void main(String[] a) throws Exception {
    String url = "jdbc:postgresql://" + a[1] + ":" + a[2] + "/postgres";
    try (Connection c = DriverManager.getConnection(url, "postgres", a[3])) {
      // As for the export: warm-ups of the small table and one of the measured table keep JIT out of the timed copy.
      for (int i = 0; i < ArchiveBenchmark.WARMUPS; i++) {
        copy(c, "bench.warmup");
      }
      copy(c, "bench." + a[4]);
      Measurement m = new Measurement(a);
      long[] r = copy(c, "bench." + a[4]);
      Measurement.Result done = m.end("the raw COPY of " + a[4]);
      System.out.printf("%.2f %d %d %d %.2f%s%n", done.secs(), r[0], r[1], ArchiveBenchmark.peakRssMb("self"), done.cpu(),
          done.servers());
    }
  }

  /** {bytes, rows} of the canonical CSV of {@code table}, in the export's transaction shape. */
  private static long[] copy(Connection c, String table) throws Exception {
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      ContentHash.canonicalSettings(c);
      st.execute("LOCK TABLE " + table + " IN SHARE MODE");
    }
    long[] bytes = {0};
    OutputStream sink = new OutputStream() {
      @Override
      public void write(int b) {
        bytes[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        bytes[0] += len;
      }
    };
    long rows = c.unwrap(PGConnection.class).getCopyAPI().copyOut(ContentHash.copySql(table), sink);
    c.commit();
    return new long[] {bytes[0], rows};
  }
}
