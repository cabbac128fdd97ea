package io.pgrunbooks.ops.stack;

import java.nio.file.Path;

/**
 * How to start a {@link TemporalDevServer}.
 *
 * @param port frontend gRPC port, 0 = a free port
 * @param uiPort Web UI port; 0 = headless (no UI)
 * @param dbFile SQLite file that keeps workflows across restarts; null = in-memory
 * @param logFile where the server's output goes; null = a temp file deleted on close
 */
public record TemporalDevServerOptions(int port, int uiPort, Path dbFile, Path logFile) {

  /** Free port, headless, in-memory, log in a temp file. */
  public static TemporalDevServerOptions headlessInMemory() {
    return new TemporalDevServerOptions(0, 0, null, null);
  }
}
