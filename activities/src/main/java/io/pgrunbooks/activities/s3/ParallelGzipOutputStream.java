package io.pgrunbooks.activities.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

/**
 * gzip on several cores, as pigz does: the input is cut into 1 MiB blocks, each compressed on its own
 * into a complete gzip member, and the members are written in order. Concatenated members are one
 * valid gzip file ({@code gunzip} and {@code GZIPInputStream} read it whole). Memory stays bounded:
 * at most {@code BLOCKS_PER_THREAD * threads} blocks are in flight (16 MiB of input on two cores).
 */
final class ParallelGzipOutputStream extends BlockOutputStream {
  private static final int BLOCK = 1 << 20;
  // A deep queue keeps the compressors busy while the writing thread waits for the CPU on a loaded
  // host: with two blocks per thread every wake-up delay of the writer left a compressor idle
  // (bench/archive/README.md, "what was fixed").
  static final int BLOCKS_PER_THREAD = 8;

  private final OutputStream out;
  private final ExecutorService pool;
  private final int maxInFlight;
  private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
  private final int level;

  /** {@code level} 1-9 as gzip's -1 .. -9 (6 is gzip's default). */
  ParallelGzipOutputStream(OutputStream out, int threads, int level) {
    super(BLOCK);
    this.out = out;
    this.level = level;
    this.maxInFlight = BLOCKS_PER_THREAD * threads;
    // Idle threads end by themselves: a failed export never closes this stream.
    ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "gzip-block");
      t.setDaemon(true);
      return t;
    });
    p.allowCoreThreadTimeOut(true);
    this.pool = p;
  }

  @Override
  public void close() throws IOException {
    if (!firstClose()) {
      return;
    }
    try {
      if (pos > 0 || inFlight.isEmpty()) {
        full();
      }
      while (!inFlight.isEmpty()) {
        drainOne();
      }
      out.close();
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  protected void full() throws IOException {
    while (inFlight.size() >= maxInFlight) {
      drainOne();
    }
    byte[] data = block;
    int len = pos;
    block = new byte[BLOCK];
    pos = 0;
    inFlight.add(pool.submit(() -> {
      ByteArrayOutputStream member = new ByteArrayOutputStream(len / 2 + 64);
      try (GZIPOutputStream gz = new LeveledGzip(member, level)) {
        gz.write(data, 0, len);
      }
      return member.toByteArray();
    }));
  }

  private void drainOne() throws IOException {
    try {
      out.write(inFlight.removeFirst().get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    } catch (ExecutionException e) {
      throw new IOException("gzip of a block failed", e.getCause());
    }
  }

  /** GZIPOutputStream at a chosen level (the JDK class only exposes it through its deflater). */
  private static final class LeveledGzip extends GZIPOutputStream {
    LeveledGzip(OutputStream out, int level) throws IOException {
      super(out, 1 << 16);
      def.setLevel(level);
    }
  }
}
