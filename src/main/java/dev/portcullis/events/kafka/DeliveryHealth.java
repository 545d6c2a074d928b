package dev.portcullis.events.kafka;

import dev.portcullis.config.EventsConfig.OnUnavailable;
import dev.portcullis.events.SessionGate;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether audit events can currently be delivered, and what that means for new sessions ({@code
 * events.kafka.onUnavailable}). {@link #update} is fed periodically by the Kafka sink; {@link #admitsNewSessions}
 * is a volatile read on each new connection.
 *
 * <p>Undeliverable: Kafka has acknowledged nothing for longer than {@code maxOutage} while events wait, an idle
 * gateway's probes have found no broker for that long, or the spool is (nearly) full. The state is logged at ERROR when it starts and again every {@link #REPEAT_MS} while it lasts
 * (loudly in {@code keep-serving}, where sessions go on without a working audit trail), and at INFO when it ends.
 */
public final class DeliveryHealth implements SessionGate {
  /** How often a lasting undeliverable state is logged again. */
  public static final long REPEAT_MS = 30_000;
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryHealth.class);

  private final OnUnavailable onUnavailable;
  private final long maxOutageMs;
  private volatile String problem; // null while deliverable
  private long problemSince;
  private long lastLogged;
  private final AtomicLong episodes = new AtomicLong();
  private final AtomicLong sessionsRefused = new AtomicLong();
  private final AtomicLong sessionsServedUndeliverable = new AtomicLong();
  private final AtomicLong droppedSpoolFull = new AtomicLong();
  private final AtomicLong refusedByKafka = new AtomicLong();

  public DeliveryHealth(OnUnavailable onUnavailable, long maxOutageMs) {
    this.onUnavailable = onUnavailable;
    this.maxOutageMs = maxOutageMs;
  }

  @Override
  public boolean admitsNewSessions() {
    if (problem == null) {
      return true;
    }
    if (onUnavailable == OnUnavailable.KEEP_SERVING) {
      sessionsServedUndeliverable.incrementAndGet();
      return true;
    }
    sessionsRefused.incrementAndGet();
    return false;
  }

  /**
   * Re-evaluates the state; called from one thread (a timer).
   *
   * @param nowMs            current time
   * @param waitingBytes     spooled bytes Kafka has not acknowledged
   * @param lastProgressMs   when Kafka last acknowledged something (or events started waiting)
   * @param lastContactMs    when Kafka last answered at all (an acknowledgement, or a probe of an idle gateway)
   * @param spoolFull        the spool holds 90 % of its maxBytes or more (beyond 100 % it drops events)
   */
  public synchronized void update(long nowMs, long waitingBytes, long lastProgressMs, long lastContactMs,
      boolean spoolFull) {
    String now = null;
    if (spoolFull) {
      now = "the event spool is nearly full (90 % of events.kafka.spool.maxBytes or more)";
    } else if (nowMs - lastContactMs > maxOutageMs) {
      now = String.format(java.util.Locale.ROOT, "Kafka has not answered for %.1f s (events.kafka.maxOutage %.1f s)",
          (nowMs - lastContactMs) / 1000.0, maxOutageMs / 1000.0);
    } else if (waitingBytes > 0 && nowMs - lastProgressMs > maxOutageMs) {
      now = String.format(java.util.Locale.ROOT, "Kafka has acknowledged no event for %.1f s (events.kafka.maxOutage "
          + "%.1f s); %d bytes of events wait in the spool", (nowMs - lastProgressMs) / 1000.0, maxOutageMs / 1000.0,
          waitingBytes);
    }
    String before = problem;
    if (now != null && before == null) {
      episodes.incrementAndGet();
      problemSince = nowMs;
      problem = now;
      lastLogged = nowMs;
      LOG.error(message(now));
    } else if (now != null) {
      problem = now;
      if (nowMs - lastLogged >= REPEAT_MS) {
        lastLogged = nowMs;
        LOG.error(message(now) + " (for " + (nowMs - problemSince) / 1000 + " s)");
      }
    } else if (before != null) {
      LOG.info("audit events are being delivered again after {} s; new sessions are admitted normally",
          (nowMs - problemSince) / 1000);
      problem = null;
    }
  }

  private String message(String why) {
    return onUnavailable == OnUnavailable.KEEP_SERVING
        ? "AUDIT EVENTS CANNOT BE DELIVERED: " + why + ". onUnavailable is keep-serving: SESSIONS CONTINUE WITHOUT "
            + "A DELIVERED AUDIT TRAIL (events are spooled while the spool has room, then dropped)"
        : "audit events cannot be delivered: " + why + ". onUnavailable is refuse-sessions: new sessions are "
            + "refused (57P03) until delivery recovers; running sessions continue and their events are spooled";
  }

  /** Counts events the full spool refused (they are lost). */
  void droppedSpoolFull(long n) {
    droppedSpoolFull.addAndGet(n);
  }

  /** Counts events Kafka refused for good (larger than the brokers accept); they are lost. */
  void refusedByKafka(long n) {
    refusedByKafka.addAndGet(n);
  }

  /** True while events cannot be delivered. */
  public boolean undeliverable() {
    return problem != null;
  }

  public OnUnavailable onUnavailable() {
    return onUnavailable;
  }

  /** Counters for metrics and tests. */
  public Stats stats() {
    return new Stats(episodes.get(), sessionsRefused.get(), sessionsServedUndeliverable.get(), droppedSpoolFull.get(),
        refusedByKafka.get());
  }

  /**
   * @param episodes                    times delivery became impossible
   * @param sessionsRefused             new sessions refused meanwhile (refuse-sessions)
   * @param sessionsServedUndeliverable new sessions admitted meanwhile (keep-serving)
   * @param droppedSpoolFull            events lost because the spool was full
   * @param refusedByKafka              events lost because Kafka refused them for good (record too large)
   */
  public record Stats(long episodes, long sessionsRefused, long sessionsServedUndeliverable, long droppedSpoolFull,
      long refusedByKafka) {}
}
