package io.pgrunbooks.activities.backup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The disk headroom rule for a downloaded dump, without a disk. */
class DumpDownloadTest {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  @Test
  void aSmallDumpLeavesAtLeast256MiBFree() {
    assertThat(DumpDownload.reserve(MIB)).isEqualTo(256 * MIB);
    assertThat(DumpDownload.fits(MIB, 257 * MIB)).isTrue();
    assertThat(DumpDownload.fits(MIB, 256 * MIB)).isFalse();
  }

  @Test
  void aBigDumpLeavesATenthOfItsSizeFree() {
    assertThat(DumpDownload.reserve(100 * GIB)).isEqualTo(10 * GIB);
    assertThat(DumpDownload.fits(100 * GIB, 110 * GIB)).isTrue();
    assertThat(DumpDownload.fits(100 * GIB, 110 * GIB - 1)).isFalse();
  }

  @Test
  void aDiskWithLessFreeThanTheDumpNeverFits() {
    assertThat(DumpDownload.fits(10 * GIB, 5 * GIB)).isFalse();
    assertThat(DumpDownload.fits(0, 0)).isFalse();
  }
}
