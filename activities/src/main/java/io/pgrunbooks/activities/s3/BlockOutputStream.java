package io.pgrunbooks.activities.s3;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Collects bytes into fixed-size blocks and hands each full block to {@link #full}: the block loop of the
 * export's streams (parallel gzip blocks, the COPY reader's hand-off to the compressor, multipart parts),
 * written once.
 */
abstract class BlockOutputStream extends OutputStream {
  /** The block being filled; {@link #full} replaces it. */
  protected byte[] block;
  /** Bytes of {@link #block} filled so far. */
  protected int pos;
  private boolean closed;

  BlockOutputStream(int blockSize) {
    this.block = new byte[blockSize];
  }

  /** Hands {@code block[0, pos)} on and leaves an empty block of the same size in {@link #block}, {@code pos} 0. */
  protected abstract void full() throws IOException;

  /** True on the first call only: a {@code close()} does its work once. */
  protected final boolean firstClose() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  /** Whether {@link #firstClose} was called. */
  protected final boolean isClosed() {
    return closed;
  }

  @Override
  public void write(int b) throws IOException {
    if (pos == block.length) {
      full();
    }
    block[pos++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (pos == block.length) {
        full();
      }
      int n = Math.min(len, block.length - pos);
      System.arraycopy(b, off, block, pos, n);
      pos += n;
      off += n;
      len -= n;
    }
  }
}
