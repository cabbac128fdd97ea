package io.pgrunbooks.activities.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The export's COPY-reader / compressor hand-off: every byte once and in order, failures never swallowed or hung on. */
@Timeout(60)
class PipelinedOutputStreamTest {

  @Test
  void everyByteArrivesOnceInOrderWhateverTheWriteSizesAndTheDownstreamSpeed() throws IOException {
    byte[] data = new byte[5 * 1000 * 1000 + 17];
    new Random(7).nextBytes(data);
    Recording down = new Recording(3);
    try (OutputStream out = new PipelinedOutputStream(down, "test-stage", 64 * 1024, 2)) {
      ArchiveStreamsTest.writeInMixedSizes(out, data, 200_003);
    }
    assertThat(down.bytes.toByteArray()).isEqualTo(data);
    assertThat(down.closes.get()).isEqualTo(1);
    assertThat(down.threads).containsExactly("test-stage");
  }

  @Test
  void closeReturnsOnlyOnceTheDownstreamIsClosed() throws IOException {
    AtomicLong closedAt = new AtomicLong();
    OutputStream slowClose = new OutputStream() {
      @Override
      public void write(int b) {}

      @Override
      public void close() {
        sleep(300);
        closedAt.set(System.nanoTime());
      }
    };
    OutputStream out = new PipelinedOutputStream(slowClose, "test-stage", 1024, 2);
    out.write(new byte[10_000]);
    out.close();
    assertThat(closedAt.get()).isPositive().isLessThanOrEqualTo(System.nanoTime());
    out.close();
  }

  @Test
  void aDownstreamFailureStopsTheWriterAndCloseRethrowsIt() {
    OutputStream failing = new OutputStream() {
      long seen;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        seen += len;
        if (seen > 100_000) {
          throw new IOException("part 3 rejected by the store");
        }
      }
    };
    OutputStream out = new PipelinedOutputStream(failing, "test-stage", 4096, 2);
    // Without the failure check the writer would block forever once the queue is full.
    assertThatThrownBy(() -> {
      for (int i = 0; i < 100_000; i++) {
        out.write(new byte[4096]);
      }
    }).isInstanceOf(IOException.class).hasMessageContaining("part 3 rejected by the store");
    assertThatThrownBy(out::close).isInstanceOf(IOException.class).hasMessageContaining("part 3 rejected by the store");
  }

  @Test
  void aDownstreamRuntimeExceptionReachesTheWriterAsItself() throws IOException {
    IllegalStateException thrown = new IllegalStateException("412 precondition failed");
    OutputStream failing = new OutputStream() {
      @Override
      public void write(int b) {
        throw thrown;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        throw thrown;
      }
    };
    OutputStream out = new PipelinedOutputStream(failing, "test-stage", 1024, 1);
    out.write(new byte[100]);
    assertThatThrownBy(out::close).isSameAs(thrown);
  }

  @Test
  void theWriterWaitsWhileTheDownstreamIsStuckSoMemoryStaysBounded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Recording stuck = new Recording(0) {
      @Override
      public void write(byte[] b, int off, int len) {
        await(release);
        super.write(b, off, len);
      }
    };
    int chunk = 1024;
    int chunks = 2;
    OutputStream out = new PipelinedOutputStream(stuck, "test-stage", chunk, chunks);
    AtomicLong written = new AtomicLong();
    Thread writer = new Thread(() -> {
      try {
        for (int i = 0; i < 100; i++) {
          out.write(new byte[chunk]);
          written.addAndGet(chunk);
        }
        out.close();
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    writer.start();
    writer.join(1000);
    assertThat(writer.isAlive()).isTrue();
    // One chunk in the stuck write, `chunks` queued, one being filled, one more handed off at most.
    assertThat(written.get()).isLessThanOrEqualTo((long) (chunks + 3) * chunk);
    release.countDown();
    writer.join(10_000);
    assertThat(writer.isAlive()).isFalse();
    assertThat(stuck.bytes.size()).isEqualTo(100 * chunk);
  }

  @Test
  void aWriteAfterCloseFailsInsteadOfWaitingForAThreadThatHasEnded() throws IOException {
    OutputStream out = new PipelinedOutputStream(OutputStream.nullOutputStream(), "test-stage", 16, 1);
    out.write(new byte[10]);
    out.close();
    assertThatThrownBy(() -> out.write(new byte[100])).isInstanceOf(IOException.class)
        .hasMessageContaining("write after close");
  }

  @Test
  void nonsenseSizesAreRefusedWithTheirValues() {
    assertThatThrownBy(() -> new PipelinedOutputStream(OutputStream.nullOutputStream(), "x", 0, 8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 and 8");
  }

  /** Keeps what it gets, which threads wrote it and how often it was closed; sleeps up to {@code jitterMs} per write. */
  private static class Recording extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    final AtomicInteger closes = new AtomicInteger();
    private final Random random = new Random(11);
    private final int jitterMs;

    Recording(int jitterMs) {
      this.jitterMs = jitterMs;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      threads.add(Thread.currentThread().getName());
      if (jitterMs > 0) {
        sleep(random.nextInt(jitterMs + 1));
      }
      bytes.write(b, off, len);
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
