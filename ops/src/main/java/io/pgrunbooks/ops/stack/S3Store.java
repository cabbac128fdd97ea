package io.pgrunbooks.ops.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * An S3-compatible store: S3Proxy embedded in this JVM, backed by a directory or by memory. It
 * can be stopped and started again on the same port with the same objects, for fault tests. With
 * a TLS dir it also serves HTTPS on a second port, with a certificate of the stack's own CA
 * ({@link StackTls}): pgBackRest talks only HTTPS to S3, while the runbooks' AWS SDK clients keep
 * the HTTP endpoint (see ops/docs/physical-backup.md).
 */
public final class S3Store implements AutoCloseable {
  private static final String REGION = "us-east-1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final S3StoreOptions options;
  private final int port;
  private final BlobStore blobStore;
  private final StackTls tls;
  private final int tlsPort;
  private final AtomicBoolean closed = new AtomicBoolean();
  private S3Proxy proxy;

  private S3Store(S3StoreOptions options, int port, BlobStore blobStore, StackTls tls, int tlsPort) {
    this.options = options;
    this.port = port;
    this.blobStore = blobStore;
    this.tls = tls;
    this.tlsPort = tlsPort;
  }

  /** Starts S3Proxy and creates the bucket if it does not exist yet. */
  public static S3Store start(S3StoreOptions options) {
    QuietLogging.apply();
    int port = options.port() == 0 ? Prerequisites.freePort() : options.port();
    StackTls tls = options.tlsDir() == null ? null : StackTls.ensure(options.tlsDir());
    int tlsPort = tls == null ? 0 : options.tlsPort() == 0 ? Prerequisites.freePort() : options.tlsPort();
    S3Store store = new S3Store(options, port, blobStore(options.dataDir()), tls, tlsPort);
    ShutdownRegistry.register(store);
    try {
      if (!store.blobStore.containerExists(options.bucket())) {
        store.blobStore.createContainer(options.bucket());
      }
      store.start();
      return store;
    } catch (RuntimeException e) {
      try {
        store.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** {@code https://localhost:<tlsPort>}, or null when the store serves HTTP only. */
  public URI secureEndpoint() {
    return tls == null ? null : URI.create("https://" + StackTls.HOST + ":" + tlsPort);
  }

  /** The HTTPS port, 0 without TLS. */
  public int tlsPort() {
    return tlsPort;
  }

  /** The CA certificate (PEM) that signed the HTTPS endpoint's certificate, or null without TLS. */
  public Path caFile() {
    return tls == null ? null : tls.caFile();
  }

  public String bucket() {
    return options.bucket();
  }

  public String accessKey() {
    return options.accessKey();
  }

  public String secretKey() {
    return options.secretKey();
  }

  public String region() {
    return REGION;
  }

  /** The filesystem backend's directory, or null for the transient backend. */
  public Path dataDir() {
    return options.dataDir();
  }

  public synchronized boolean isRunning() {
    return proxy != null && "STARTED".equals(proxy.getState());
  }

  /** (Re)starts serving on the same port with the same objects; no-op when already running. */
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    S3Proxy.Builder builder = S3Proxy.builder()
        .blobStore(blobStore)
        .endpoint(endpoint())
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, options.accessKey(), options.secretKey())
        // No graceful drain: idle keep-alive connections would hold a stop for seconds, and a
        // stop here stands for an outage anyway.
        .stopTimeout(0);
    if (tls != null) {
      // Bound to 127.0.0.1; clients name it localhost, the name on the certificate.
      builder.secureEndpoint(URI.create("https://127.0.0.1:" + tlsPort))
          .keyStore(tls.keyStore().toString(), StackTls.KEYSTORE_PASSWORD);
    }
    S3Proxy p = builder.build();
    try {
      p.start();
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not start on port " + port, e);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!"STARTED".equals(p.getState())) {
      if (System.nanoTime() > deadline) {
        stopQuietly(p);
        throw new IllegalStateException("S3Proxy not started on port " + port + " after " + START_TIMEOUT
            + " (state " + p.getState() + ")");
      }
      Processes.sleep(Duration.ofMillis(20));
    }
    proxy = p;
  }

  /** Stops serving (clients get connection refused); objects are kept for {@link #start()}. */
  public synchronized void stop() {
    if (proxy != null) {
      S3Proxy p = proxy;
      proxy = null;
      try {
        p.stop();
      } catch (Exception e) {
        throw new IllegalStateException("S3Proxy did not stop on port " + port, e);
      }
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      stop();
      blobStore.close();
    } finally {
      ShutdownRegistry.unregister(this);
    }
  }

  private static BlobStore blobStore(Path dataDir) {
    if (dataDir == null) {
      return BlobStores.create("transient", new Properties());
    }
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create S3 data dir " + dataDir, e);
    }
    Properties p = new Properties();
    // S3Proxy 4 dropped jclouds but kept this property name.
    p.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().toString());
    return BlobStores.create("filesystem", p);
  }

  private static void stopQuietly(S3Proxy p) {
    try {
      p.stop();
    } catch (Exception ignored) {
      // Already failing; the start error is the one worth reporting.
    }
  }

  @Override
  public String toString() {
    return "S3Store[" + endpoint() + " bucket " + options.bucket() + "]";
  }
}
