package dev.portcullis.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.config.EventsConfig.OnUnavailable;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DeliveryHealthTest {
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(DeliveryHealth.class);

  @BeforeEach
  void capture() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logs);
  }

  private List<Level> levels() {
    return logs.list.stream().map(ILoggingEvent::getLevel).toList();
  }

  @Test
  void refuseSessionsOnlyAfterMaxOutageWithEventsWaitingAndRecovers() {
    DeliveryHealth h = new DeliveryHealth(OnUnavailable.REFUSE_SESSIONS, 1_000);
    h.update(10_000, 500, 9_500, 10_000, false);
    assertTrue(h.admitsNewSessions(), "0.5 s without an ack is within maxOutage");
    h.update(10_000, 0, 0, 10_000, false);
    assertTrue(h.admitsNewSessions(), "nothing waiting: an idle spool is no outage");
    h.update(10_000, 500, 8_000, 10_000, false);
    assertFalse(h.admitsNewSessions());
    assertTrue(h.undeliverable());
    assertTrue(logs.list.get(0).getFormattedMessage().contains("new sessions are refused (57P03)"));
    h.update(10_500, 0, 10_400, 10_500, false);
    assertTrue(h.admitsNewSessions());
    assertEquals(List.of(Level.ERROR, Level.INFO), levels());
    assertEquals(new DeliveryHealth.Stats(1, 1, 0, 0, 0), h.stats());
  }

  @Test
  void anIdleGatewayWhoseProbesFindNoBrokerIsUndeliverableToo() {
    DeliveryHealth h = new DeliveryHealth(OnUnavailable.REFUSE_SESSIONS, 1_000);
    h.update(10_000, 0, 0, 9_500, false);
    assertTrue(h.admitsNewSessions(), "probed 0.5 s ago");
    h.update(10_000, 0, 0, 8_000, false);
    assertFalse(h.admitsNewSessions(), "nothing waiting, but no broker answered for 2 s");
    assertTrue(logs.list.get(0).getFormattedMessage().contains("Kafka has not answered for 2.0 s"),
        logs.list.get(0).getFormattedMessage());
    h.update(10_100, 0, 0, 10_050, false);
    assertTrue(h.admitsNewSessions(), "a probe answered");
  }

  @Test
  void keepServingAdmitsButRepeatsTheErrorWhileTheStateLasts() {
    DeliveryHealth h = new DeliveryHealth(OnUnavailable.KEEP_SERVING, 1_000);
    h.update(0, 100, 0, 0, true);
    assertTrue(h.undeliverable(), "a full spool is undeliverable at once");
    assertTrue(h.admitsNewSessions());
    h.update(1_000, 100, 0, 1_000, true);
    h.update(DeliveryHealth.REPEAT_MS + 1, 100, 0, DeliveryHealth.REPEAT_MS + 1, true);
    assertEquals(List.of(Level.ERROR, Level.ERROR), levels(), "rate-limited, repeated");
    assertTrue(logs.list.get(0).getFormattedMessage().contains("keep-serving"));
    h.droppedSpoolFull(7);
    assertEquals(new DeliveryHealth.Stats(1, 0, 1, 7, 0), h.stats());
  }
}
