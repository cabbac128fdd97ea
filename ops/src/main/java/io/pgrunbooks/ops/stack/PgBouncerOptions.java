package io.pgrunbooks.ops.stack;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to start a {@link PgBouncerServer}.
 *
 * @param baseDir holds pgbouncer.ini, the auth file, pid, log and socket dir; deleted on close unless reuseExisting
 * @param port listen port on 127.0.0.1, 0 = a free port
 * @param targetHost host every database ({@code *}) is routed to
 * @param targetPort port every database is routed to
 * @param password password of the {@code postgres} user (the same on PgBouncer and the server); null = trust
 * @param reuseExisting keep the base dir on close
 */
public record PgBouncerOptions(
    Path baseDir, int port, String targetHost, int targetPort, String password, boolean reuseExisting) {

  public PgBouncerOptions {
    Objects.requireNonNull(baseDir, "baseDir");
    targetHost = targetHost == null ? "127.0.0.1" : targetHost;
    if (targetPort <= 0) {
      throw new IllegalArgumentException("targetPort must be set, got " + targetPort);
    }
  }
}
