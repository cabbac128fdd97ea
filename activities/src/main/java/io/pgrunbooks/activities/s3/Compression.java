package io.pgrunbooks.activities.s3;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;

/** gzip (readable by {@code gunzip}) or zstd (by {@code zstd -d}), as the archive config says. */
public final class Compression {
  private Compression() {}

  /** Compresses at {@code level} (gzip 1-9, zstd 1-19; validated with the config). */
  public static OutputStream compress(String compression, int level, OutputStream out) throws IOException {
    if ("zstd".equals(compression)) {
      ZstdOutputStream z = new ZstdOutputStream(out, level);
      // Two compression threads: the COPY read and the upload overlap with them on a small machine.
      z.setWorkers(2);
      return z;
    }
    // Multi-member gzip compressed on every core: the pipeline's gzip runs beside psql, this has to keep up.
    return new ParallelGzipOutputStream(out, Math.max(2, Runtime.getRuntime().availableProcessors()), level);
  }

  public static InputStream decompress(String compression, InputStream in) throws IOException {
    if ("zstd".equals(compression)) {
      return new ZstdInputStream(in);
    }
    return new GZIPInputStream(new LookAhead(in), 1 << 16);
  }

  /**
   * A stream whose {@code available()} says whether another byte exists, waiting for it if need be.
   * {@link GZIPInputStream} reads the next member of a multi-member file (what {@link ParallelGzipOutputStream}
   * writes) only when {@code available() > 0} or enough bytes remain in its buffer; a network stream whose next
   * member has not arrived yet answers 0, and the archive silently ended early (verification then saw fewer
   * bytes and rows than the export wrote, under load).
   */
  private static final class LookAhead extends PushbackInputStream {
    LookAhead(InputStream in) {
      super(in, 1);
    }

    @Override
    public int available() throws IOException {
      int n = super.available();
      if (n > 0) {
        return n;
      }
      int b = read();
      if (b < 0) {
        return 0;
      }
      unread(b);
      return 1;
    }
  }
}
