package io.pgrunbooks.activities.s3;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
    return new GZIPInputStream(in, 1 << 16);
  }
}
