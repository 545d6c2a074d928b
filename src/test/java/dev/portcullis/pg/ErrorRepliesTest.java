package dev.portcullis.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.forward.UpstreamFailure;
import dev.portcullis.identity.TokenRejectedException;
import dev.portcullis.pg.codec.ErrorResponse;
import dev.portcullis.pg.codec.PgProtocolException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.Test;

class ErrorRepliesTest {
  @Test
  void everyFailureMapsToAFatalWithItsSqlState() {
    assertEquals("28P01", ErrorReplies.fatal(new TokenRejectedException("token expired")).sqlState());
    assertEquals("portcullis: token rejected: token expired",
        ErrorReplies.fatal(new TokenRejectedException("token expired")).message());
    ErrorResponse upstream = ErrorReplies.fatal(new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
        UpstreamFailure.UNKNOWN_TARGET.ordinal(), "no target named \"x\""));
    assertEquals("3D000", upstream.sqlState());
    assertEquals("portcullis: no target named \"x\"", upstream.message());
    assertEquals("08000", ErrorReplies.fatal(new ReplyException(ReplyFailure.NO_HANDLERS, "none")).sqlState());
    assertEquals("08000", ErrorReplies.fatal(new ReplyException(ReplyFailure.TIMEOUT, "slow")).sqlState());
    assertEquals("54000", ErrorReplies.fatal(new PgProtocolException("54000", "big")).sqlState());
    assertEquals("53300", ErrorReplies.fatal(ErrorReplies.tooManyConnections()).sqlState());
    assertEquals("XX000", ErrorReplies.fatal(new IllegalStateException("secret detail")).sqlState());
    assertEquals("portcullis: internal error", ErrorReplies.fatal(new IllegalStateException("x")).message());
    assertEquals("FATAL", ErrorReplies.fatal(ErrorReplies.tlsRequired()).severity());
  }
}
