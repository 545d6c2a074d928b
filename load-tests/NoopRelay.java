import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * The floor of any JVM relay on this machine: a Vert.x TCP pipe with no TLS, no parsing, no policy and no events,
 * on one event loop (on a small machine shared with the load generator and the database, one loop batches best).
 * pgbench-compare.sh runs it as a reference column next to PgBouncer, so the gateway's ratio can be read against
 * what relaying alone costs here.
 *
 *   java -cp target/portcullis.jar load-tests/NoopRelay.java LISTEN_PORT TARGET_HOST TARGET_PORT
 */
public final class NoopRelay extends VerticleBase {
  private final int listenPort;
  private final String targetHost;
  private final int targetPort;

  private NoopRelay(int listenPort, String targetHost, int targetPort) {
    this.listenPort = listenPort;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    NoopRelay relay = new NoopRelay(Integer.parseInt(args[0]), args[1], Integer.parseInt(args[2]));
    vertx.deployVerticle(relay, new DeploymentOptions())
        .onSuccess(id -> System.out.println("noop relay ready on 127.0.0.1:" + args[0]))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() {
    NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    return vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setTcpNoDelay(true))
        .connectHandler(agent -> {
          agent.pause(); // nothing is read before the other side exists
          client.connect(targetPort, targetHost)
              .onSuccess(target -> {
                pipe(agent, target);
                pipe(target, agent);
                agent.resume();
              })
              .onFailure(e -> agent.close());
        })
        .listen(listenPort);
  }

  /** Copies from → to, pausing the reader while the writer's queue is full (back-pressure), closing both together. */
  private static void pipe(NetSocket from, NetSocket to) {
    from.handler(data -> {
      to.write(data);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(v -> from.resume());
      }
    });
    from.closeHandler(v -> to.close());
  }
}
