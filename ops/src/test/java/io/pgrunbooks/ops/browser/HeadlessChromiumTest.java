package io.pgrunbooks.ops.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

class HeadlessChromiumTest {

  @Test
  void rendersAPageRunsItsScriptAndSavesAScreenshot() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] page = ("<html><body><p id='p'>loading</p>"
        + "<script>document.getElementById('p').textContent = 'ran ' + (6 * 7);</script></body></html>")
        .getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    server.start();
    try (HeadlessChromium browser = HeadlessChromium.start()) {
      browser.driver().get("http://127.0.0.1:" + server.getAddress().getPort() + "/");
      String text = browser.waitUntil(Duration.ofSeconds(20),
          d -> d.findElement(By.id("p")).getText().startsWith("ran") ? d.findElement(By.id("p")).getText() : null);
      assertThat(text).isEqualTo("ran 42");
      Path shot = browser.screenshot("headless-chromium-smoke");
      assertThat(Files.size(shot)).isGreaterThan(1000);
    } finally {
      server.stop(0);
    }
  }
}
