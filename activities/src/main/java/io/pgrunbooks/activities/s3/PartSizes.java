package io.pgrunbooks.activities.s3;

/**
 * The part size of a multipart upload, chosen from the expected object size so that the object never
 * needs more than S3's 10,000 parts. Parts are buffered in memory (a few at a time), so a part is also
 * at most {@link #MAX_BUFFERED_PART} bytes (a Java array), which bounds an object at about 20 TB; S3's own
 * bound is 10,000 parts of 5 GiB. An object that cannot fit is refused before anything is uploaded.
 */
public final class PartSizes {
  /** S3's limit on the number of parts of one upload. */
  public static final int MAX_PARTS = 10_000;
  /** S3's limit on the size of one part. */
  public static final long MAX_S3_PART = 5L << 30;
  /** The largest part this process can hold in one array (rounded down to whole MiB). */
  public static final long MAX_BUFFERED_PART = (Integer.MAX_VALUE - 8L) & ~((1L << 20) - 1);
  /**
   * Room for an estimate that is low: the expected size comes from the catalog (a database's or a
   * table's size on disk) and the object (a dump, a compressed CSV) is usually smaller, but not always.
   */
  static final int HEADROOM = 2;

  private PartSizes() {}

  /**
   * The part size for an object of about {@code expectedBytes}: {@code minimum} unless more is needed to
   * stay within {@link #MAX_PARTS} with {@link #HEADROOM}, rounded up to whole MiB.
   *
   * @param expectedBytes the expected object size, 0 or less when unknown (then {@code minimum})
   * @throws IllegalArgumentException when even the largest part would not do, naming the sizes
   */
  public static int choose(long expectedBytes, int minimum) {
    if (expectedBytes <= 0) {
      return minimum;
    }
    long padded = expectedBytes > Long.MAX_VALUE / HEADROOM ? Long.MAX_VALUE : expectedBytes * HEADROOM;
    long needed = ceilDiv(padded, MAX_PARTS);
    long mib = 1L << 20;
    long size = Math.max(minimum, ceilDiv(needed, mib) * mib);
    long limit = Math.min(MAX_S3_PART, MAX_BUFFERED_PART);
    if (size > limit) {
      throw new IllegalArgumentException("an object of about " + human(expectedBytes) + " would need parts of "
          + human(size) + " to stay within S3's " + MAX_PARTS + " parts, over the largest part of " + human(limit)
          + " (S3 allows at most 5 GiB, and a part is buffered in memory): at most about "
          + human(limit * MAX_PARTS / HEADROOM) + " can be uploaded as one object");
    }
    return (int) size;
  }

  /**
   * Refuses a part beyond {@link #MAX_PARTS} with the reason, instead of the store's error at the
   * 10,001st part (the object turned out much larger than expected).
   */
  public static void checkPartNumber(int partNumber, int partSize, String key) {
    if (partNumber > MAX_PARTS) {
      throw new IllegalStateException(key + ": more than " + MAX_PARTS + " parts of " + human(partSize)
          + " (over " + human((long) partSize * MAX_PARTS) + "); the object is far larger than its expected size");
    }
  }

  static String human(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (v == Math.floor(v) ? String.format("%.0f", v) : String.format("%.1f", v)) + " " + units[u];
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
