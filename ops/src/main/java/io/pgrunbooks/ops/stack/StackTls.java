package io.pgrunbooks.ops.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The local stack's own certificate authority and the S3 store's server certificate, generated
 * with {@code openssl} once per stack directory (kept when the directory is reused, so a client
 * that trusts {@link #caFile()} keeps trusting the store after a restart). pgBackRest only talks
 * HTTPS to S3 and verifies the server; trusting this CA is how it does so without turning
 * verification off.
 */
public final class StackTls {
  public static final String OPENSSL_INSTALL = "apt-get install -y openssl";
  /** The name clients must use: the certificate names it (and 127.0.0.1), and pgBackRest checks DNS names only. */
  public static final String HOST = "localhost";
  /** Password of {@link #keyStore()}; it protects nothing secret (a throwaway local key). */
  public static final String KEYSTORE_PASSWORD = "pg-runbooks-local";

  private final Path dir;

  private StackTls(Path dir) {
    this.dir = dir;
  }

  /** The CA and server certificate in {@code dir}, generated when missing. */
  public static StackTls ensure(Path dir) {
    StackTls tls = new StackTls(dir.toAbsolutePath());
    if (!Files.isRegularFile(tls.keyStore()) || !Files.isRegularFile(tls.caFile())) {
      tls.generate();
    }
    return tls;
  }

  /** PEM of the CA certificate: what clients (pgBackRest's {@code repo1-storage-ca-file}) trust. */
  public Path caFile() {
    return dir.resolve("ca.crt");
  }

  /** PKCS#12 key store with the server key and certificate, for S3Proxy's secure endpoint. */
  public Path keyStore() {
    return dir.resolve("s3-server.p12");
  }

  private void generate() {
    Path openssl = Path.of("/usr/bin/openssl");
    if (!Files.isExecutable(openssl)) {
      throw new MissingPrerequisiteException("openssl", OPENSSL_INSTALL, "not found at " + openssl);
    }
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    Path caKey = dir.resolve("ca.key");
    Path serverKey = dir.resolve("s3-server.key");
    Path serverCrt = dir.resolve("s3-server.crt");
    Duration t = Duration.ofSeconds(30);
    // A fresh CA per stack: nothing outside this directory ever trusts it.
    Processes.runChecked(List.of(openssl.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", caKey.toString(), "-out", caFile().toString(),
        "-days", "3650", "-subj", "/CN=pg-runbooks local stack CA " + dir.getFileName(),
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"),
        dir, Map.of(), t);
    Processes.runChecked(List.of(openssl.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", serverKey.toString(), "-out", serverCrt.toString(),
        "-days", "3650", "-subj", "/CN=" + HOST, "-CA", caFile().toString(), "-CAkey", caKey.toString(),
        "-addext", "subjectAltName=DNS:" + HOST + ",IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE",
        "-addext", "extendedKeyUsage=serverAuth"), dir, Map.of(), t);
    Processes.runChecked(List.of(openssl.toString(), "pkcs12", "-export", "-in", serverCrt.toString(),
        "-inkey", serverKey.toString(), "-out", keyStore().toString(), "-name", "s3",
        "-passout", "pass:" + KEYSTORE_PASSWORD), dir, Map.of(), t);
    try {
      // The CA key signs nothing else; dropping it means nobody can mint more certificates it vouches for.
      Files.deleteIfExists(caKey);
      Files.setPosixFilePermissions(serverKey, PosixFilePermissions.fromString("rw-------"));
      Files.setPosixFilePermissions(caFile(), PosixFilePermissions.fromString("rw-r--r--"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot finish " + dir, e);
    }
  }
}
