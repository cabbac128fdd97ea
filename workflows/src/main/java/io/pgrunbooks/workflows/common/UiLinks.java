package io.pgrunbooks.workflows.common;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Links into the Temporal UI. */
public final class UiLinks {
  private UiLinks() {}

  /** The run's page in the Temporal UI at {@code uiUrl}. */
  public static String run(String uiUrl, String namespace, String workflowId) {
    String base = uiUrl.endsWith("/") ? uiUrl.substring(0, uiUrl.length() - 1) : uiUrl;
    return base + "/namespaces/" + pathSegment(namespace) + "/workflows/" + pathSegment(workflowId);
  }

  private static String pathSegment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":");
  }
}
