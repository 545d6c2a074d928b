/**
 * PostgreSQL wire protocol 3.0 pieces the gateway needs: framing of the frontend stream (startup and typed modes,
 * with length limits) and of the backend stream (batches from the forwarder, messages spanning batches), parsers
 * for the frontend messages it reads (strict UTF-8), and encoders for the backend messages it writes. No state
 * beyond framing, no Vert.x beyond {@link io.vertx.core.buffer.Buffer}.
 */
package dev.portcullis.pg.codec;
