package io.pgrunbooks.workflows.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Small files (the common brief, issue 15): no main source file of any module over 400 lines. */
class SourceSizeTest {
  static final int MAX_LINES = 400;

  @Test
  void noMainSourceFileIsOver400Lines() throws IOException {
    Path root = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("..").normalize();
    List<String> tooLong;
    try (Stream<Path> modules = Files.list(root)) {
      tooLong = modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory)
          .flatMap(SourceSizeTest::javaFiles)
          .filter(f -> lines(f) > MAX_LINES)
          .map(f -> root.relativize(f) + " (" + lines(f) + " lines)")
          .toList();
    }
    assertThat(tooLong).as("split these by responsibility").isEmpty();
  }

  private static Stream<Path> javaFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long lines(Path f) {
    try (Stream<String> l = Files.lines(f)) {
      return l.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
