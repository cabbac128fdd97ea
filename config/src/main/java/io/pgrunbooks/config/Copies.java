package io.pgrunbooks.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Defensive copies that keep YAML order and tolerate null elements (validation reports those). */
final class Copies {
  private Copies() {}

  static <T> List<T> list(List<T> in) {
    return in == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(in));
  }

  static <K, V> Map<K, V> map(Map<K, V> in) {
    return in == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(in));
  }

  static String or(String value, String fallback) {
    return value == null ? fallback : value;
  }

  static int or(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  static long or(Long value, long fallback) {
    return value == null ? fallback : value;
  }

  static double or(Double value, double fallback) {
    return value == null ? fallback : value;
  }

  static boolean or(Boolean value, boolean fallback) {
    return value == null ? fallback : value;
  }
}
