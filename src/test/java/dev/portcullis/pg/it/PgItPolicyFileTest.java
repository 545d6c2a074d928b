package dev.portcullis.pg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.identity.Identity;
import dev.portcullis.policy.AdmitRequest;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgeRequest;
import dev.portcullis.policy.PolicyEngine;
import dev.portcullis.policy.PolicyLoader;
import dev.portcullis.policy.sql.PostgresSqlAnalyzer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The pg integration tests' policy file (pg-it/policies) judged by the real engine says what the tests rely on. */
class PgItPolicyFileTest {
  static final Path DIR = Path.of("src/test/resources/pg-it/policies");
  static final ThreadPoolExecutor WORKER = PolicyEngine.boundedExecutor(1, 16);
  static final PolicyEngine ENGINE =
      new PolicyEngine(new PostgresSqlAnalyzer(), WORKER, 100, PolicyLoader.loadDirectory(DIR));
  static final Identity BOT = new Identity("ci-bot", List.of("ai-agents"), "test-issuer", Instant.now().plusSeconds(3600));

  @AfterAll
  static void stop() {
    WORKER.shutdownNow();
  }

  private static Decision judge(String sql) throws Exception {
    return ENGINE.judge(new JudgeRequest("s1", BOT, GatewayFixture.TARGET, sql, Map.of()))
        .toCompletableFuture().get(10, TimeUnit.SECONDS).overall();
  }

  @Test
  void forbiddenTableIsDeniedReviewTableReviewedOthersAllowed() throws Exception {
    Decision deny = judge("select * from forbidden_marker");
    assertInstanceOf(Decision.Deny.class, deny);
    assertTrue(deny.clientMessage().contains("'no-forbidden-marker'"), deny.clientMessage());
    assertInstanceOf(Decision.Review.class, judge("insert into review_marker values (1)"));
    assertInstanceOf(Decision.Allow.class, judge("select * from pgterm_some_table"));
  }

  @Test
  void targetClosedHasNoPolicy() {
    var admission = ENGINE.admit(new AdmitRequest(BOT, "closed"));
    assertFalse(admission.admitted());
    assertTrue(admission.reason().contains("ci-bot") && admission.reason().contains("closed"), admission.reason());
    assertEquals(List.of("pg-it"), ENGINE.admit(new AdmitRequest(BOT, GatewayFixture.TARGET)).policies());
  }
}
