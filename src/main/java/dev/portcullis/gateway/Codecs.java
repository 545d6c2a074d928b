package dev.portcullis.gateway;

import dev.portcullis.events.EventBatch;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.forward.CatalogLookup;
import dev.portcullis.forward.CatalogOrigins;
import dev.portcullis.forward.UpstreamCancel;
import dev.portcullis.forward.UpstreamOpen;
import dev.portcullis.forward.UpstreamOpened;
import dev.portcullis.policy.AdmitRequest;
import dev.portcullis.policy.Admission;
import dev.portcullis.policy.JudgeRequest;
import dev.portcullis.policy.Judgement;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/** Registers the local codecs of every record that crosses the event bus. Call once per Vertx instance. */
public final class Codecs {
  private static final List<Class<?>> RECORDS = List.of(
      JudgeRequest.class, Judgement.class, AdmitRequest.class, Admission.class, SessionEvent.class, EventBatch.class,
      UpstreamOpen.class, UpstreamOpened.class, UpstreamCancel.class, CatalogLookup.class, CatalogOrigins.class,
      dev.portcullis.approval.ApprovalRequest.class, dev.portcullis.approval.ApprovalAnswer.class,
      dev.portcullis.approval.ApprovalDecision.class, dev.portcullis.approval.DecideRequest.class,
      dev.portcullis.policy.SshRequest.class,
      dev.portcullis.policy.SshJudgement.class);

  private Codecs() {}

  public static void register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    for (Class<?> type : RECORDS) {
      registerDefault(bus, type);
    }
    // Buffer has a built-in (copying) default codec, so ours is named and chosen per send.
    bus.registerCodec(new LocalCodec<Buffer>(Addresses.BUFFER_CODEC));
  }

  private static <T> void registerDefault(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new LocalCodec<T>("local-" + type.getSimpleName()));
  }
}
