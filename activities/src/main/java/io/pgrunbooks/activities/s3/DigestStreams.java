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

  /**
   * Counting output stream, hashing (SHA-256) unless told not to, with progress (bytes so far) reported on the
   * writing thread about every {@code every} bytes (a COPY writes one row at a time: a report per row cost more
   * than the rest of the stream).
   */
  public static final class Out extends FilterOutputStream {
    private final MessageDigest digest;
    private final LongConsumer progress;
    private final long every;
    private long bytes;
    private long reported;

    /** Hashing; progress (if any) after every write. */
    public Out(OutputStream out, LongConsumer progress) {
      this(out, true, 1, progress);
    }

    public Out(OutputStream out, boolean hash, long every, LongConsumer progress) {
      super(out);
      this.digest = hash ? sha256() : null;
      this.every = every;
      this.progress = progress;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      if (digest != null) {
        digest.update((byte) b);
      }
      counted(1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      if (digest != null) {
        digest.update(b, off, len);
      }
      counted(len);
    }

    private void counted(int n) {
      bytes += n;
      if (progress != null && bytes - reported >= every) {
        reported = bytes;
        progress.accept(bytes);
      }
    }

    public long bytes() {
      return bytes;
    }

    public String hex() {
      if (digest == null) {
        throw new IllegalStateException("this stream counts, it does not hash");
      }
      return HexFormat.of().formatHex(digest.digest());
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
