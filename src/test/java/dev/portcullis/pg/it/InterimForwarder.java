package dev.portcullis.pg.it;

import dev.portcullis.forward.FrameHeaders;
import dev.portcullis.forward.UpstreamCancel;
import dev.portcullis.forward.UpstreamOpen;
import dev.portcullis.forward.UpstreamOpened;
import dev.portcullis.gateway.Addresses;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.net.NetSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * SCAFFOLDING until the forward branch's PgForwardingVerticle is merged: a minimal forwarder following
 * forward/package-info (connects as LocalPostgres's trust role; no SCRAM, no privilege check).
 */
final class InterimForwarder {
  private final Vertx vertx;
  private final int port;

  InterimForwarder(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
  }

  void register() {
    vertx.eventBus().<UpstreamOpen>consumer(Addresses.FORWARD_PG_OPEN, msg -> open(msg.body()).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        msg.fail(1, "target unreachable: " + ar.cause().getMessage());
      }
    }));
    vertx.eventBus().<UpstreamCancel>consumer(Addresses.FORWARD_PG_CANCEL, msg ->
        vertx.createNetClient().connect(port, "127.0.0.1").onSuccess(s -> s.write(Buffer.buffer().appendInt(16)
            .appendInt(80877102).appendInt(msg.body().processId()).appendInt(msg.body().secretKey()))
            .onComplete(x -> s.close())));
  }

  private io.vertx.core.Future<UpstreamOpened> open(UpstreamOpen open) {
    return vertx.createNetClient().connect(port, "127.0.0.1").compose(socket -> {
      Promise<UpstreamOpened> ready = Promise.promise();
      Buffer startup = Buffer.buffer().appendInt(0).appendInt(196608);
      Map<String, String> params = new HashMap<>(open.clientParameters());
      params.put("user", dev.portcullis.testing.LocalPostgres.TRUST_ROLE);
      params.put("database", dev.portcullis.testing.LocalPostgres.DATABASE);
      params.forEach((k, v) -> startup.appendString(k).appendByte((byte) 0).appendString(v).appendByte((byte) 0));
      startup.appendByte((byte) 0).setInt(0, startup.length());
      Map<String, String> status = new HashMap<>();
      int[] key = new int[2];
      Buffer[] acc = {Buffer.buffer()};
      String toUpstream = "interim.forward." + open.sessionId();
      socket.handler(data -> {
        acc[0].appendBuffer(data);
        int pos = 0;
        while (acc[0].length() - pos >= 5) {
          byte type = acc[0].getByte(pos);
          int len = acc[0].getInt(pos + 1);
          if (acc[0].length() - pos < len + 1) {
            break;
          }
          Buffer m = acc[0].getBuffer(pos + 5, pos + 1 + len);
          pos += len + 1;
          if (type == 'S') {
            String s = m.toString();
            String[] kv = s.split("\0");
            status.put(kv[0], kv.length > 1 ? kv[1] : "");
          } else if (type == 'K') {
            key[0] = m.getInt(0);
            key[1] = m.getInt(4);
          } else if (type == 'E') {
            socket.close();
            ready.tryFail("backend refused");
            return;
          } else if (type == 'Z') {
            Buffer rest = acc[0].getBuffer(pos, acc[0].length());
            relay(socket, open.toClientAddress(), toUpstream, rest);
            ready.tryComplete(new UpstreamOpened(toUpstream, status, key[0], key[1]));
            return;
          }
        }
        acc[0] = acc[0].getBuffer(pos, acc[0].length());
      });
      socket.write(startup);
      return ready.future();
    });
  }

  private void relay(NetSocket socket, String toClient, String toUpstream, Buffer rest) {
    DeliveryOptions codec = new DeliveryOptions().setCodecName(Addresses.BUFFER_CODEC);
    int[] inFlight = {0};
    boolean[] ended = {false};
    MessageConsumer<Buffer> consumer = vertx.eventBus().consumer(toUpstream);
    Runnable end = () -> {
      if (!ended[0]) {
        ended[0] = true;
        consumer.unregister();
        vertx.eventBus().send(toClient, Buffer.buffer(), new DeliveryOptions(codec).addHeader(FrameHeaders.END, "x"));
        socket.close();
      }
    };
    consumer.handler(msg -> {
      if (msg.headers().contains(FrameHeaders.END)) {
        ended[0] = true;
        consumer.unregister();
        socket.close();
        return;
      }
      socket.write(msg.body());
      if (socket.writeQueueFull()) {
        socket.drainHandler(v -> msg.reply(null));
      } else {
        msg.reply(null);
      }
    });
    socket.handler(data -> {
      inFlight[0]++;
      if (inFlight[0] >= FrameHeaders.MAX_IN_FLIGHT) {
        socket.pause();
      }
      vertx.eventBus().request(toClient, data, codec).onComplete(ar -> {
        inFlight[0]--;
        if (ar.failed()) {
          end.run();
        } else {
          socket.resume();
        }
      });
    });
    socket.closeHandler(v -> end.run());
  }
}
