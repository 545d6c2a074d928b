package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.gateway.Addresses;
import dev.portcullis.gateway.Codecs;
import dev.portcullis.identity.Identity;
import dev.portcullis.policy.sql.LexedStatement;
import dev.portcullis.policy.sql.PostgresSqlAnalyzer;
import dev.portcullis.policy.sql.SqlAnalyzer;
import dev.portcullis.policy.sql.StatementAnalysis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PolicyVerticleTest {
  static final Identity AGENT =
      new Identity("agent-7", List.of("ai-agents"), "https://idp", Instant.now().plusSeconds(600));

  Vertx vertx;
  ThreadPoolExecutor worker;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Codecs.register(vertx);
    worker = PolicyEngine.boundedExecutor(1, 16);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
    worker.shutdownNow();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  void deploy(SqlAnalyzer analyzer) throws Exception {
    PolicyEngine engine = new PolicyEngine(analyzer, worker, 100, PolicyLoader.loadDirectory(Path.of("policies")));
    await(vertx.deployVerticle(new PolicyVerticle(engine)));
  }

  Judgement judge(String sql) throws Exception {
    return await(vertx.eventBus().<Judgement>request(Addresses.POLICY_JUDGE,
        new JudgeRequest("s1", AGENT, "orders", sql, Map.of()))).body();
  }

  @Test
  void judgesAndAdmitsOverTheBus() throws Exception {
    deploy(new PostgresSqlAnalyzer());
    assertTrue(judge("SELECT * FROM orders").allowed());
    Judgement denied = judge("DROP TABLE orders");
    assertEquals("no-ddl", denied.overall().rule());
    Admission no = await(vertx.eventBus().<Admission>request(Addresses.POLICY_ADMIT,
        new AdmitRequest(AGENT, "billing"))).body();
    assertFalse(no.admitted());
    assertTrue(no.reason().contains("target 'billing'"), no.reason());
    Admission yes = await(vertx.eventBus().<Admission>request(Addresses.POLICY_ADMIT,
        new AdmitRequest(AGENT, "orders"))).body();
    assertEquals(List.of("agents-read-public"), yes.policies());
  }

  @Test
  void internalFailureRepliesDeny() throws Exception {
    deploy(new SqlAnalyzer() {
      @Override
      public List<LexedStatement> split(String sql) {
        return List.of(new LexedStatement(sql, sql));
      }

      @Override
      public StatementAnalysis analyze(LexedStatement statement) {
        throw new OutOfMemoryError("simulated"); // not even a RuntimeException
      }
    });
    Judgement j = judge("SELECT * FROM orders");
    assertFalse(j.allowed());
    assertTrue(j.overall().reason().contains("internal error"), j.overall().reason());
  }
}
