package io.pgrunbooks.activities.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes to {@code out} on a thread of its own, so the writer (the COPY reader) never waits for what is
 * downstream (hashing, compression, the upload) unless {@code chunks} chunks are already queued: bytes are
 * copied into chunks of {@code chunkSize}, the chunks queued in order, written in order, and recycled
 * (constant memory: {@code chunks + 2} chunks at most: the queued ones, the one being written downstream and
 * the one being filled). {@link #close} writes what is left, closes {@code
 * out} on the same thread and returns once it is done, throwing what the downstream thread threw; a
 * downstream failure also surfaces on the next write. Every byte written reaches {@code out} exactly
 * once and in order, or the stream fails.
 */
public final class PipelinedOutputStream extends BlockOutputStream {
  private static final byte[] END = new byte[0];
  private static final long POLL_MS = 100;

  private record Chunk(byte[] data, int len) {}

  private final OutputStream out;
  private final int chunkSize;
  private final BlockingQueue<Chunk> queued;
  private final BlockingQueue<byte[]> free;
  private final Thread writer;
  private volatile Throwable failure;
  private int allocated;
  private final int maxChunks;

  /**
   * @param threadName the downstream thread's name (shown in thread dumps and profiles)
   * @param chunkSize bytes per hand-off
   * @param chunks chunks queued at most before the writer waits
   */
  public PipelinedOutputStream(OutputStream out, String threadName, int chunkSize, int chunks) {
    super(checked(chunkSize, chunks));
    this.out = out;
    this.chunkSize = chunkSize;
    this.maxChunks = chunks + 2;
    // Never full (there are only maxChunks chunks, plus END): the chunk count bounds the memory.
    this.queued = new ArrayBlockingQueue<>(maxChunks + 1);
    this.free = new ArrayBlockingQueue<>(maxChunks);
    this.allocated = 1;
    this.writer = new Thread(this::drain, threadName);
    // A writer that died without closing (an exception the caller swallowed) must not keep the JVM alive.
    writer.setDaemon(true);
    writer.start();
  }

  /** Does not wait for the downstream thread (the chunk boundaries are this stream's business). */
  @Override
  public void flush() throws IOException {
    rethrow();
  }

  /** Hands over what is left, lets the downstream thread close {@code out}, waits for it and rethrows its failure. */
  @Override
  public void close() throws IOException {
    if (!firstClose()) {
      return;
    }
    try {
      if (pos > 0) {
        enqueue(new Chunk(block, pos));
        pos = 0;
      }
      enqueue(new Chunk(END, 0));
      while (writer.isAlive()) {
        writer.join(POLL_MS);
      }
    } catch (InterruptedException e) {
      writer.interrupt();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the pipeline's last bytes were written");
    }
    rethrow();
  }

  @Override
  protected void full() throws IOException {
    if (isClosed()) {
      // The downstream thread has ended: nothing would ever take this chunk.
      throw new IOException("write after close of the stream to " + writer.getName());
    }
    try {
      enqueue(new Chunk(block, pos));
      pos = 0;
      byte[] next = free.poll();
      if (next == null && allocated < maxChunks) {
        allocated++;
        next = new byte[chunkSize];
      }
      while (next == null) {
        rethrow();
        next = free.poll(POLL_MS, TimeUnit.MILLISECONDS);
      }
      block = next;
    } catch (InterruptedException e) {
      writer.interrupt();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while handing bytes to " + writer.getName());
    }
  }

  private void enqueue(Chunk c) throws IOException, InterruptedException {
    rethrow();
    while (!queued.offer(c, POLL_MS, TimeUnit.MILLISECONDS)) {
      rethrow();
    }
  }

  private void drain() {
    try {
      while (true) {
        Chunk c = queued.take();
        if (c.data == END) {
          out.close();
          return;
        }
        out.write(c.data, 0, c.len);
        free.offer(c.data);
      }
    } catch (Throwable t) {
      failure = t;
    }
  }

  private static int checked(int chunkSize, int chunks) {
    if (chunkSize < 1 || chunks < 1) {
      throw new IllegalArgumentException("chunkSize and chunks must be at least 1, not " + chunkSize + " and " + chunks);
    }
    return chunkSize;
  }

  private void rethrow() throws IOException {
    Throwable t = failure;
    if (t == null) {
      return;
    }
    if (t instanceof IOException io) {
      throw new IOException(io.getMessage(), io);
    }
    if (t instanceof UncheckedIOException u) {
      throw u;
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
    throw new IOException(writer.getName() + " failed", t);
  }
}
