package io.pgrunbooks.activities.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The part size of an upload, chosen from the expected size (issue 15: archives over ~78 GiB failed at part 10,001). */
class PartSizesTest {
  private static final long GIB = 1L << 30;
  private static final int MIB = 1 << 20;

  @Test
  void smallOrUnknownObjectsKeepTheMinimumPart() {
    assertThat(PartSizes.choose(0, 8 * MIB)).isEqualTo(8 * MIB);
    assertThat(PartSizes.choose(-1, 16 * MIB)).isEqualTo(16 * MIB);
    assertThat(PartSizes.choose(10 * GIB, 16 * MIB)).isEqualTo(16 * MIB);
  }

  @Test
  void anArchiveOver78GiBGetsPartsThatFitInTenThousandWithHeadroom() {
    long expected = 100 * GIB;
    int part = PartSizes.choose(expected, MultipartUploadStream.PART_SIZE);

    assertThat((long) MultipartUploadStream.PART_SIZE * PartSizes.MAX_PARTS).as("the old fixed part").isLessThan(expected);
    assertThat((long) part * PartSizes.MAX_PARTS).isGreaterThanOrEqualTo(2 * expected);
    assertThat(part % MIB).isZero();
  }

  @Test
  void aBackupOver156GiBGetsPartsThatFitInTenThousand() {
    long expected = 400 * GIB;
    int part = PartSizes.choose(expected, 16 * MIB);

    assertThat(16L * MIB * PartSizes.MAX_PARTS).as("the old fixed part").isLessThan(expected);
    assertThat((long) part * PartSizes.MAX_PARTS).isGreaterThanOrEqualTo(2 * expected);
  }

  @Test
  void anObjectNoPartCouldHoldIsRefusedWithTheSizes() {
    assertThatThrownBy(() -> PartSizes.choose(40L * 1024 * GIB, 8 * MIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("an object of about 40 TiB")
        .hasMessageContaining("10000 parts")
        .hasMessageContaining("5 GiB");
    assertThatThrownBy(() -> PartSizes.choose(Long.MAX_VALUE, 8 * MIB)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void partTenThousandAndOneIsRefusedWithTheReason() {
    PartSizes.checkPartNumber(PartSizes.MAX_PARTS, 8 * MIB, "k");

    assertThatThrownBy(() -> PartSizes.checkPartNumber(PartSizes.MAX_PARTS + 1, 8 * MIB, "pg-runbooks/x/data.csv.zst"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pg-runbooks/x/data.csv.zst: more than 10000 parts of 8 MiB");
  }
}
