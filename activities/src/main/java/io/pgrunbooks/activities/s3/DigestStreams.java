package io.pgrunbooks.activities.s3;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/** Streams that count bytes and compute SHA-256 of what passes through, with an optional progress callback. */
public final class DigestStreams {
  private DigestStreams() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counting, hashing output stream. */
  public static final class Out extends FilterOutputStream {
    private final MessageDigest digest = sha256();
    private final LongConsumer progress;
    private long bytes;

    public Out(OutputStream out, LongConsumer progress) {
      super(out);
      this.progress = progress;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      digest.update((byte) b);
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      digest.update(b, off, len);
      bytes += len;
      if (progress != null) {
        progress.accept(bytes);
      }
    }

    public long bytes() {
      return bytes;
    }

    public String hex() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }

  /**
   * Counting output stream that reports progress (bytes so far) on the writing thread, about every {@code every}
   * bytes (a COPY writes one row at a time: a call per row cost more than the rest of this stream).
   */
  public static final class Counted extends FilterOutputStream {
    private final LongConsumer progress;
    private final long every;
    private long bytes;
    private long reported;

    public Counted(OutputStream out, long every, LongConsumer progress) {
      super(out);
      this.every = every;
      this.progress = progress;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      counted(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      counted(len);
    }

    private void counted(int n) {
      bytes += n;
      if (bytes - reported >= every) {
        reported = bytes;
        progress.accept(bytes);
      }
    }

    public long bytes() {
      return bytes;
    }
  }

  /** Counting, hashing input stream; also counts CSV records (newlines outside double quotes). */
  public static final class In extends FilterInputStream {
    private final MessageDigest digest = sha256();
    private final LongConsumer progress;
    private final boolean countCsv;
    private long bytes;
    private long records;
    private boolean quoted;

    public In(InputStream in, boolean countCsv, LongConsumer progress) {
      super(in);
      this.countCsv = countCsv;
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        byte[] one = {(byte) b};
        seen(one, 0, 1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        seen(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      throw new IOException("skip would bypass the digest");
    }

    private void seen(byte[] b, int off, int n) {
      digest.update(b, off, n);
      bytes += n;
      if (countCsv) {
        // A quoted field may hold newlines; "" inside quotes toggles twice, so it cancels out.
        for (int i = off; i < off + n; i++) {
          byte c = b[i];
          if (c == '"') {
            quoted = !quoted;
          } else if (c == '\n' && !quoted) {
            records++;
          }
        }
      }
      if (progress != null) {
        progress.accept(bytes);
      }
    }

    public long bytes() {
      return bytes;
    }

    /** Complete CSV records read so far (the header is one of them). */
    public long records() {
      return records;
    }

    public String hex() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
