package io.pgrunbooks.api;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** A test class on the shared {@link ApiFixture} whose tests start runs; each test's runs end after it. */
@ExtendWith(ApiFixture.Extension.class)
abstract class StartsRuns {
  static ApiFixture api;
  /** Runs this test started; the ones still running are terminated after it, so the next test's run plans alone. */
  final List<String> started = new ArrayList<>();

  @BeforeAll
  static void fixture() {
    api = ApiFixture.get();
  }

  @AfterEach
  void endLeftovers() {
    api.terminateRunning(started);
  }
}
