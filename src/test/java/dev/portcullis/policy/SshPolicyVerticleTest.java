package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.gateway.Addresses;
import dev.portcullis.gateway.Codecs;
import dev.portcullis.identity.Identity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code portcullis.policy.judge-ssh} on the event bus: SshRequest → SshJudgement with local codecs. */
class SshPolicyVerticleTest {
  static final Identity AGENT =
      new Identity("agent-7", List.of("ai-agents"), "https://idp", Instant.now().plusSeconds(600));

  Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Codecs.register(vertx);
    PolicyEngine engine = new PolicyEngine(null, Runnable::run, 16, SshPolicyEvaluatorTest.sample());
    await(vertx.deployVerticle(new PolicyVerticle(engine)));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  SshJudgement judge(SshAction action, String detail) throws Exception {
    return await(vertx.eventBus().<SshJudgement>request(Addresses.POLICY_JUDGE_SSH,
        new SshRequest("s1", AGENT, "build-box", action, detail))).body();
  }

  @Test
  void judgesOverTheBus() throws Exception {
    assertEquals("portcullis.policy.judge-ssh", Addresses.POLICY_JUDGE_SSH);
    SshJudgement ok = judge(SshAction.EXEC, "git status && ls");
    assertTrue(ok.allowed(), ok::toString);
    assertEquals(2, ok.parts().size());
    SshJudgement split = judge(SshAction.EXEC, "git status; rm -rf /");
    assertFalse(split.allowed());
    assertEquals("never-delete", split.overall().rule());
    assertTrue(judge(SshAction.SUBSYSTEM, "sftp").allowed());
    assertFalse(judge(SshAction.SHELL, null).allowed());
  }

  @Test
  void aTargetNoPolicyCoversIsDeniedNamingTheIdentity() throws Exception {
    SshJudgement j = await(vertx.eventBus().<SshJudgement>request(Addresses.POLICY_JUDGE_SSH,
        new SshRequest("s1", AGENT, "elsewhere", SshAction.EXEC, "ls"))).body();
    assertFalse(j.allowed());
    assertTrue(j.overall().reason().contains("'agent-7'") && j.overall().reason().contains("'elsewhere'"),
        j.overall().reason());
  }
}
