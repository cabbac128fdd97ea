package io.pgrunbooks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogFormatTest {
  @Test
  void jsonFormatWritesOneObjectPerLineWithTheRunsMdcFields() throws Exception {
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      LogFormat.apply("json");
      MDC.put("workflowId", "backup:main:app:1");
      MDC.put("runbook", "Backup");
      MDC.put("cluster", "main");
      MDC.put("activity", "dump");
      LoggerFactory.getLogger("io.pgrunbooks.test").info("dumped {} rows", 42);
    } finally {
      MDC.clear();
      System.setErr(stderr);
      ctx.reset();
      new ContextInitializer(ctx).autoConfig();
    }
    String line = captured.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains("dumped")).findFirst().orElseThrow();
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.path("level").asText()).isEqualTo("INFO");
    assertThat(json.toString()).contains("dumped 42 rows").contains("backup:main:app:1")
        .contains("\"runbook\":\"Backup\"").contains("\"activity\":\"dump\"").contains("\"cluster\":\"main\"");
  }

  @Test
  void textFormatLeavesThePatternLayoutAlone() {
    LogFormat.apply("text");
    assertThat(((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("ROOT").getAppender("STDERR")).isNotNull();
  }
}
