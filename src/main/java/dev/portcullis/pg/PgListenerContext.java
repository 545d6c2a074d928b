package dev.portcullis.pg;

import dev.portcullis.masking.HashKey;

import dev.portcullis.config.PostgresListenConfig;
import dev.portcullis.events.EventPublisher;
import dev.portcullis.events.SessionGate;
import dev.portcullis.identity.TokenValidator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every session of one PostgreSQL listener shares, across all verticle instances deployed for it.
 *
 * @param gate        asked before each new session (audit events deliverable?)
 * @param connections open client connections of this listener (for {@code maxConnections})
 * @param maskingKey  the key of the {@code hash} masking strategy, one per gateway so hashes agree across sessions
 */
record PgListenerContext(
    PostgresListenConfig config,
    String gatewayId,
    TokenValidator tokens,
    EventPublisher events,
    SessionGate gate,
    AtomicInteger connections,
    CancelKeys cancelKeys,
    TlsUpgrade tls,
    HashKey maskingKey) {}
