package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.policy.AuditOutcome;
import dev.ferry.policy.AuditRecord;
import dev.ferry.policy.AuditSubject;
import dev.ferry.policy.RuleMode;
import dev.ferry.policy.RuleOutcome;
import dev.ferry.policy.RuleResult;
import dev.ferry.policy.TrustReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Where audit records go: the normal log in either format, or a file of JSON lines. */
class AuditSinkTest {
  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private static AuditRecord record() {
    return new AuditRecord(
        Instant.parse("2026-12-04T10:00:00Z"),
        "req-1",
        AuditOutcome.ISSUED,
        Optional.of("deployer"),
        Optional.of("github-actions"),
        Optional.of(
            new AuditSubject(
                Optional.of("https://token.actions.githubusercontent.com"),
                Optional.of("repo:octo/app:ref:refs/heads/main"),
                List.of("https://ferry.example.com"),
                Optional.of("jti-1"),
                Optional.of(Instant.parse("2026-12-04T09:59:00Z")),
                Optional.of(Instant.parse("2026-12-04T10:04:00Z")),
                "ab".repeat(32))),
        new TrustReport(
            Optional.of("deploy"),
            List.of(
                new RuleOutcome("deploy", RuleMode.ENFORCE, RuleResult.MATCH, Optional.empty()))),
        Optional.of(
            new AuditRecord.Issued(
                "issued-jti", List.of("deployer"), Instant.parse("2026-12-04T10:04:00Z"))),
        "192.0.2.1",
        Optional.empty());
  }

  private static String logged(String format) {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.ferry.audit");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    Level level = logger.getLevel();
    logger.setLevel(Level.INFO);
    MDC.put("request_id", "req-1");
    try {
      new LogAuditSink(format.equals("json")).record(record());
    } finally {
      MDC.remove("request_id");
      logger.detachAppender(appender);
      logger.setLevel(level);
    }
    assertThat(appender.list).hasSize(1);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    return new String(
        LogSetup.encoder(format, List.of(), context).encode(appender.list.get(0)),
        StandardCharsets.UTF_8);
  }

  @Test
  void inAJsonLogTheRecordIsOneObjectWithNestedMembersAndNoKeyTwice() throws Exception {
    JsonNode line = STRICT.readTree(logged("json"));
    assertThat(line.path("msg").asText()).isEqualTo("audit");
    assertThat(line.path("request_id").asText()).isEqualTo("req-1");
    assertThat(line.path("outcome").asText()).isEqualTo("issued");
    assertThat(line.path("subject").path("iss").asText())
        .isEqualTo("https://token.actions.githubusercontent.com");
    assertThat(line.path("subject").path("exp").asLong())
        .isEqualTo(Instant.parse("2026-12-04T10:04:00Z").getEpochSecond());
    assertThat(line.path("rules").get(0).path("result").asText()).isEqualTo("match");
    assertThat(line.path("issued").path("aud").get(0).asText()).isEqualTo("deployer");
    assertThat(line.path("remote_addr").asText()).isEqualTo("192.0.2.1");
  }

  @Test
  void inATextLogMembersAreKeyValuesWithNestedOnesAsCompactJson() {
    String line = logged("text");
    assertThat(line)
        .contains("msg=audit", "outcome=issued", "client_id=deployer", "rule=deploy")
        .contains("remote_addr=192.0.2.1", "request_id=req-1")
        .contains("subject=\"{\\\"iss\\\":\\\"https://token.actions.githubusercontent.com\\\"");
  }

  @Test
  void aQuietLogLevelDoesNotDropAuditRecords() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    try {
      LogSetup.configure(org.slf4j.event.Level.ERROR, "json", List.of());
      assertThat(LoggerFactory.getLogger("dev.ferry.endpoint").isWarnEnabled()).isFalse();
      assertThat(LoggerFactory.getLogger(LogAuditSink.LOGGER).isInfoEnabled()).isTrue();
    } finally {
      context.reset();
      new ContextInitializer(context).autoConfig();
    }
  }

  @Test
  void aFileGetsOneJsonLinePerRecordAppendedAndIsCreatedOwnerOnly(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (FileAuditSink sink = FileAuditSink.open(file.toString())) {
      sink.record(record());
    }
    try (FileAuditSink sink = FileAuditSink.open(file.toString())) {
      sink.record(record());
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    for (String line : lines) {
      JsonNode json = STRICT.readTree(line);
      assertThat(json.path("time").asText()).isEqualTo("2026-12-04T10:00:00Z");
      assertThat(json.path("request_id").asText()).isEqualTo("req-1");
      assertThat(json.path("subject").path("sha256").asText()).isEqualTo("ab".repeat(32));
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(lines.get(0)).isEqualTo(STRICT.writeValueAsString(record().toMap()));
  }

  @Test
  void aFileThatCannotBeOpenedIsAStartupErrorNamingTheKey(@TempDir Path dir) {
    String missing = dir.resolve("no-such-dir").resolve("audit.jsonl").toString();
    assertThatThrownBy(() -> FileAuditSink.open(missing))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith("audit.path: cannot open " + missing);
  }
}
