package dev.portcullis.ssh.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.SessionEvent;
import dev.portcullis.ssh.ChannelRecorder;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Vert.x timer publishes a frame that waits for company, without anyone writing or closing. */
class FrameFlushTimerTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aPromptIsPublishedByTheTimerAndTheTimerStopsAtClose() throws Exception {
    LinkedBlockingQueue<SessionEvent> published = new LinkedBlockingQueue<>();
    FrameRecorder recorder = new FrameRecorder(published::add, FrameRecorderTest.SESSION, "s-7/1", System::nanoTime,
        new FrameRecorder.Limits(16 * 1024, 20));
    ChannelRecorder timed = FrameFlushTimer.start(vertx, recorder);
    byte[] prompt = "ops@web-1:~$ ".getBytes(StandardCharsets.UTF_8);
    timed.output(prompt, 0, prompt.length);
    SessionEvent frame = published.poll(30, TimeUnit.SECONDS);
    assertTrue(frame != null, "the timer did not publish the pending prompt");
    assertEquals("ops@web-1:~$ ", frame.details().get("data"));
    timed.closed(0, null);
    assertTrue(recorder.isClosed());
    assertEquals(0, published.size());
  }
}
