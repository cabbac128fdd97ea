package io.pgrunbooks.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Errors collected across the loading stages. A later stage stays quiet about a path an earlier
 * stage already reported (an unset variable is not also "required"), so each mistake shows once.
 */
final class Problems {
  private final List<String> lines = new ArrayList<>();
  private final Set<String> stagePaths = new HashSet<>();
  private final Set<String> earlierPaths = new HashSet<>();

  void add(String path, String problem) {
    for (String earlier : earlierPaths) {
      if (path.equals(earlier) || path.startsWith(earlier + ".") || path.startsWith(earlier + "[")) {
        return;
      }
    }
    stagePaths.add(path);
    lines.add(path + ": " + problem);
  }

  void nextStage() {
    earlierPaths.addAll(stagePaths);
    stagePaths.clear();
  }

  boolean isEmpty() {
    return lines.isEmpty();
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  static String child(String parent, String key) {
    return parent.isEmpty() ? key : parent + "." + key;
  }

  static String index(String parent, int i) {
    return parent + "[" + i + "]";
  }
}
