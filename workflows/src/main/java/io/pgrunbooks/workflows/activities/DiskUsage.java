package io.pgrunbooks.workflows.activities;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Disk facts gathered on the node's own host by its agent.
 *
 * @param dataDirBytes bytes under the data directory (files the agent could read)
 * @param filesystemTotalBytes size of the filesystem holding the data directory
 * @param filesystemFreeBytes bytes available to unprivileged users on it
 * @param agentHost host name of the agent that measured it
 */
public record DiskUsage(String node, String dataDir, long dataDirBytes, long filesystemTotalBytes,
                        long filesystemFreeBytes, String agentHost) {

  @JsonIgnore
  public int usedPercent() {
    if (filesystemTotalBytes <= 0) {
      return 0;
    }
    return (int) Math.round(100.0 * (filesystemTotalBytes - filesystemFreeBytes) / filesystemTotalBytes);
  }
}
