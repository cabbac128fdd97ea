package io.pgrunbooks.ops.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Small formatting helpers: UTC times, durations, aligned tables. */
final class Text {
  private Text() {}

  static String time(Instant t) {
    return t == null ? "-" : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** "2h 5m", "3m 20s", "45s". */
  static String duration(Duration d) {
    long s = Math.abs(d.getSeconds());
    long days = s / 86_400;
    long hours = s % 86_400 / 3600;
    long minutes = s % 3600 / 60;
    long seconds = s % 60;
    if (days > 0) {
      return days + "d " + hours + "h";
    }
    if (hours > 0) {
      return hours + "h " + minutes + "m";
    }
    if (minutes > 0) {
      return minutes + "m " + seconds + "s";
    }
    return seconds + "s";
  }

  static String orDash(String s) {
    return s == null || s.isBlank() ? "-" : s;
  }

  /** Rows aligned in columns separated by two spaces; the last column is not padded. */
  static List<String> table(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], orDash(row.get(i)).length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = orDash(row.get(i));
        line.append(cell);
        if (i < row.size() - 1) {
          line.append(" ".repeat(width[i] - cell.length() + 2));
        }
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }
}
