package dev.portcullis.approval.chat;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approver chat-bot as a verticle: wires the board, the chat API, the decision producer, the interactivity
 * listener and the two Kafka readers, all answering on this verticle's event-loop context. Deploy it, then
 * {@link #port()} is the listener's port; undeploying stops the readers (uncommitted requests are read again later).
 */
public final class ApproverBot extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ApproverBot.class);

  private final BotConfig config;
  private final Clock clock;
  private final Duration firstRetry;
  private volatile boolean stopping;
  private DecisionPublisher publisher;
  private ChatApi api;
  private HttpServer server;
  private RequestPoster requestPoster;
  private ApprovalFeed feed;
  private ApprovalBoard board;

  public ApproverBot(BotConfig config) {
    this(config, Clock.systemUTC(), Duration.ofMillis(500));
  }

  /** @param firstRetry the first wait before a failed chat call is tried again; doubles up to 30 s */
  ApproverBot(BotConfig config, Clock clock, Duration firstRetry) {
    this.config = config;
    this.clock = clock;
    this.firstRetry = firstRetry;
  }

  @Override
  public Future<?> start() {
    BotConfig.Chat chat = config.chat();
    // creating a producer resolves the bootstrap servers: not on the event loop
    return vertx.executeBlocking(() -> new KafkaDecisionPublisher(vertx, config.kafka())).compose(producer -> {
      publisher = producer;
      board = new ApprovalBoard();
      api = new ChatApi(vertx, chat.apiUrl(), chat.botToken());
      Retry retry = new Retry(vertx, clock, firstRetry, Duration.ofSeconds(30), () -> stopping);
      ChatPoster poster = new ChatPoster(api, board, retry, chat.channel(), clock, () -> stopping);
      ClickDecider decider = new ClickDecider(board, poster, publisher, chat.approvers(), clock);
      ActionsEndpoint endpoint = new ActionsEndpoint(chat.actionsPath(),
          new SlackSignature(chat.signingSecret().reveal(), clock), decider);
      vertx.setPeriodic(60_000, id -> board.prune(clock.instant()));
      requestPoster = new RequestPoster(config.kafka(), context, poster::post, clock);
      feed = new ApprovalFeed(config.kafka(), context, poster::requestRead, poster::decisionRead, clock);
      return vertx.createHttpServer(new HttpServerOptions().setHost(chat.host()).setPort(chat.port()))
          .requestHandler(endpoint).listen();
    }).map(listening -> {
      server = listening;
      feed.loop().start();
      requestPoster.loop().start();
      log.info("approver-bot listening on http://{}:{}{} for interactivity; posting {} to channel {} via {}",
          config.chat().host(), listening.actualPort(), config.chat().actionsPath(), requestPoster.topic(),
          config.chat().channel(), config.chat().apiUrl());
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    Future<Void> readers = vertx.executeBlocking(() -> {
      if (requestPoster != null) {
        requestPoster.loop().stop(Duration.ofSeconds(30));
      }
      if (feed != null) {
        feed.loop().stop(Duration.ofSeconds(30));
      }
      return null;
    }, false);
    return readers
        .eventually(() -> publisher != null ? publisher.close() : Future.succeededFuture())
        .eventually(() -> api != null ? api.close() : Future.succeededFuture());
  }

  /** The interactivity listener's port (after deployment). */
  public int port() {
    return server.actualPort();
  }

  /** Why a Kafka reader ended on its own, or null while both run. */
  public Throwable failure() {
    if (requestPoster != null && requestPoster.loop().failure() != null) {
      return requestPoster.loop().failure();
    }
    return feed != null ? feed.loop().failure() : null;
  }

  /** How many approvals the bot remembers (for tests and logs). */
  int remembered() {
    return board.size();
  }
}
