package dev.portcullis.gateway;

import dev.portcullis.admin.AdminServer;
import dev.portcullis.admin.GatewayMetrics;
import dev.portcullis.admin.MeteredEventPublisher;
import dev.portcullis.admin.MetricSources;
import dev.portcullis.admin.SshCertificates;
import dev.portcullis.approval.ApprovalService;
import dev.portcullis.approval.ApprovalVerticle;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.ssh.BusSshApprovals;
import dev.portcullis.ssh.BusSshPolicy;
import dev.portcullis.ssh.ChannelRecorders;
import dev.portcullis.ssh.PublishedSshSessionEvents;
import dev.portcullis.ssh.SshTerminationVerticle;
import dev.portcullis.ssh.SshUserCa;
import dev.portcullis.ssh.recording.FrameFlushTimer;
import dev.portcullis.ssh.recording.FrameRecorder;
import dev.portcullis.events.BusEventPublisher;
import dev.portcullis.events.EventPublisher;
import dev.portcullis.events.EventPublisherVerticle;
import dev.portcullis.events.kafka.DeliveryHealth;
import dev.portcullis.forward.ForwarderOptions;
import dev.portcullis.forward.PgForwardingVerticle;
import dev.portcullis.forward.TargetCatalogs;
import dev.portcullis.masking.HashKey;
import dev.portcullis.masking.PgColumnCatalog;
import dev.portcullis.forward.RelayCounters;
import dev.portcullis.identity.OidcTokenValidator;
import dev.portcullis.pg.PgTerminationVerticle;
import dev.portcullis.policy.PolicyDirectoryWatcher;
import dev.portcullis.policy.PolicyEngine;
import dev.portcullis.policy.PolicyLoader;
import dev.portcullis.policy.PolicyVerticle;
import dev.portcullis.policy.sql.PostgresSqlAnalyzer;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.ThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the verticles of design-notes §0 deployed on one Vertx, wired only through the event bus.
 *
 * <p>Start order follows the data path backwards, so nothing can accept a connection before what it relies on is
 * listening: event publisher, policy, forwarding, token validator (OIDC discovery), the PostgreSQL listener, and
 * last the admin HTTP listener when {@code listen.admin} is configured (it reports on everything before it).
 * Policies are loaded before anything starts: a broken policy directory fails the start with file and line.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  /** Policy reload poll interval: small enough that an edited file applies "at once" for a person. */
  private static final long POLICY_POLL_MS = 1_000;

  private final Vertx vertx;
  private final List<String> deployments = new ArrayList<>();
  private PolicyDirectoryWatcher watcher;
  private ThreadPoolExecutor policyWorker;
  private OidcTokenValidator validator;
  private final DeliveryHealth health;
  private TargetCatalogs catalogs;
  private ApprovalVerticle approvalVerticle;
  /** What the admin API lists and decides through: this gateway's approvals, or one a test gives. */
  private ApprovalService approvals;
  private final GatewayMetrics metrics = new GatewayMetrics();
  private AdminServer admin;

  private Gateway(Vertx vertx, DeliveryHealth health, ApprovalService approvals) {
    this.vertx = vertx;
    this.health = health;
    this.approvals = approvals;
  }

  /** Starts a gateway; fails (with everything already started stopped again) when any part cannot start. */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
    return start(vertx, config, null);
  }

  /**
   * Like {@link #start(Vertx, GatewayConfig)}, but the admin API lists and decides {@code approvals}' requests
   * (tests of the API); {@code null} is this gateway's own approvals.
   */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, ApprovalService approvals) {
    Gateway gateway = new Gateway(vertx, EventPublisherVerticle.deliveryHealth(config.events()), approvals);
    return gateway.deploy(config).recover(e -> gateway.stop().transform(v -> Future.failedFuture(e)));
  }

  private Future<Gateway> deploy(GatewayConfig config) {
    Codecs.register(vertx);
    int cores = Runtime.getRuntime().availableProcessors();
    int loops = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    RelayCounters counters = new RelayCounters();
    HashKey maskingKey;
    try {
      maskingKey = config.maskingKeyFile() != null ? HashKey.loadOrCreate(config.maskingKeyFile()) : HashKey.generate();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (config.maskingKeyFile() == null) {
      LOG.info("masking: no masking.hashKeyFile configured; 'hash' values are stable only until this process stops");
    }
    catalogs = new TargetCatalogs(vertx, config.targets()::get,
        (v, t) -> new PgColumnCatalog(v, t, PgColumnCatalog.Options.defaults()));
    catalogs.open(config.targets().keySet()); // here, not on an event loop mid-session (a CA file may be read)

    PolicyEngine engine;
    try {
      policyWorker = PolicyEngine.boundedExecutor(Math.max(1, cores), 10_000);
      engine = new PolicyEngine(new PostgresSqlAnalyzer(), policyWorker, 10_000,
          PolicyLoader.loadDirectory(config.policiesDir()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    watcher = new PolicyDirectoryWatcher(config.policiesDir(), engine);
    watcher.start(POLICY_POLL_MS);

    EventPublisherVerticle publisher = EventPublisherVerticle.forConfig(config.events(), health);
    // Every session event passes the metrics on its way to the publisher: /metrics counts what the audit trail says.
    EventPublisher events = new MeteredEventPublisher(new BusEventPublisher(vertx), metrics);
    EventPublisher approvalEvents = new MeteredEventPublisher(BusEventPublisher.unbatched(vertx), metrics);
    approvalVerticle = config.events().sink() == EventsConfig.Sink.KAFKA
        ? ApprovalVerticle.kafka(config.events().kafka(), approvalEvents)
        : ApprovalVerticle.local(approvalEvents);
    if (approvals == null) {
      approvals = approvalVerticle.service(vertx);
    }
    MetricSources sources = new MetricSources(metrics, config.events().sink(), health, publisher::stats, counters,
        approvals);
    return deploy(() -> publisher, 1)
        .compose(v -> deploy(() -> approvalVerticle, 1))
        // One policy and one forwarding instance per event loop (a deployment of that many instances takes each
        // loop once), so every session finds both on its own loop: see LoopAffinity.
        .compose(v -> deploy(() -> new PolicyVerticle(engine), loops))
        .compose(v -> deploy(() -> new PgForwardingVerticle(config.targets()::get, ForwarderOptions.defaults(),
            counters, catalogs), loops))
        .compose(v -> OidcTokenValidator.create(vertx, config.oidc()))
        .compose(created -> {
          validator = created;
          return deploy(PgTerminationVerticle.instances(config.postgres(), config.gatewayId(), created,
              events, health, maskingKey), cores);
        })
        .compose(v -> startSsh(config, events))
        .compose(v -> startAdmin(config, sources))
        .map(v -> {
          LOG.info("gateway '{}' listening for PostgreSQL on {}:{}, targets {}, policies {}", config.gatewayId(),
              config.postgres().host(), config.postgres().port(), config.targets().keySet(), config.policiesDir());
          return this;
        });
  }

  /**
   * The SSH listener when {@code listen.ssh} is set: the same token validator and policy verticle as PostgreSQL;
   * every exec and shell channel recorded as {@code io.frame} events (sent unbatched: MINA's threads write them).
   */
  private Future<Void> startSsh(GatewayConfig config, EventPublisher events) {
    if (config.ssh() == null) {
      return Future.succeededFuture();
    }
    EventPublisher frames = BusEventPublisher.unbatched(vertx);
    ChannelRecorders recorders = (agent, statementId, pty, cols, rows) -> FrameFlushTimer.start(vertx,
        FrameRecorder.open(frames, new SessionInfo(agent.sessionId(), config.gatewayId(), agent.identity(),
            agent.target().name(), PublishedSshSessionEvents.PROTOCOL), statementId, pty, cols, rows));
    return deploy(() -> new SshTerminationVerticle(config.ssh(), config.sshTargets(), validator,
        new BusSshPolicy(vertx, health), new BusSshApprovals(vertx, config.gatewayId()),
        new PublishedSshSessionEvents(events, config.gatewayId()), recorders), 1)
        .onSuccess(v -> {
          LOG.info("gateway '{}' listening for SSH on {}:{}, targets {}", config.gatewayId(),
              config.ssh().host(), config.ssh().port(), config.sshTargets().keySet());
          if (config.admin() == null) {
            LOG.info("ssh: no listen.admin, so no SSH certificates are issued here: agents whose tokens exceed "
                + "OpenSSH's 1023-byte password limit cannot log in with OpenSSH");
          }
        });
  }

  /** The admin HTTP listener, last and only when configured; an isolated block so it can change on its own. */
  private Future<Void> startAdmin(GatewayConfig config, MetricSources sources) {
    if (config.admin() == null) {
      return Future.succeededFuture();
    }
    // With an SSH listener, the admin API also issues its user certificates: the same CA file, read off the loop.
    Future<SshCertificates> certificates = config.ssh() == null ? Future.succeededFuture()
        : vertx.executeBlocking(() -> new SshCertificates(
            SshUserCa.loadOrCreate(config.ssh().userCa(), config.ssh().maxCertificateValidity()),
            config.sshTargets().keySet(), config.ssh().port()));
    return certificates
        .compose(certs -> AdminServer.start(vertx, config.admin(), config.oidc(), config.approvals(), sources, certs))
        .onSuccess(started -> admin = started)
        .mapEmpty();
  }

  /** The admin listener's bound port, or -1 without {@code listen.admin} (tests configure port 0). */
  public int adminPort() {
    return admin == null ? -1 : admin.port();
  }

  /** Whether audit events are being delivered, and the counters of what happened while they were not. */
  public DeliveryHealth deliveryHealth() {
    return health;
  }

  /** Deploys {@code instances} of a verticle and remembers the deployment for {@link #stop}. */
  private Future<Void> deploy(Supplier<? extends Deployable> verticle, int instances) {
    return vertx.deployVerticle(verticle::get, new DeploymentOptions().setInstances(instances))
        .onSuccess(deployments::add)
        .mapEmpty();
  }

  /** Lists and decides approvals of every instance (for the admin API); {@code null} before the start. */
  public ApprovalService approvals() {
    return approvals;
  }

  /**
   * Stops listening first, then the rest in reverse order, so no session is accepted that cannot be served.
   * Statements waiting for approval are answered first: their sessions end with a clear error, and the requests
   * are published as withdrawn, so a late approval runs nothing.
   */
  public Future<Void> stop() {
    // The admin API goes first, then the approvals verticle (its stop answers what it holds), then the rest in
    // reverse order.
    String first = approvalVerticle == null ? null : approvalVerticle.deploymentID();
    Future<Void> chain = (admin == null ? Future.<Void>succeededFuture()
        : admin.stop().recover(e -> Future.succeededFuture()))
        .compose(v -> first == null || !deployments.contains(first) ? Future.succeededFuture()
            : vertx.undeploy(first).recover(e -> Future.succeededFuture()));
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      if (!id.equals(first)) {
        chain = chain.compose(v -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
      }
    }
    return chain.eventually(() -> {
      if (watcher != null) {
        watcher.close();
      }
      if (policyWorker != null) {
        policyWorker.shutdownNow();
      }
      if (catalogs != null) {
        catalogs.close();
      }
      return validator == null ? Future.succeededFuture() : validator.close();
    });
  }
}
