package dev.portcullis.pg.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test-side frontend encoder and backend reader over a plain blocking socket, for malformed-input tests. */
final class RawPgClient implements AutoCloseable {
  /** One backend message: type byte and body (without type and length). */
  record Msg(char type, byte[] body) {
    /** ErrorResponse / NoticeResponse fields by code. */
    Map<Character, String> fields() {
      Map<Character, String> f = new LinkedHashMap<>();
      int i = 0;
      while (i < body.length && body[i] != 0) {
        char code = (char) body[i++];
        int start = i;
        while (body[i] != 0) {
          i++;
        }
        f.put(code, new String(body, start, i - start, StandardCharsets.UTF_8));
        i++;
      }
      return f;
    }
  }

  final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawPgClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  // --- encoder ---------------------------------------------------------------------------------------------

  static byte[] cstr(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] r = new byte[b.length + 1];
    System.arraycopy(b, 0, r, 0, b.length);
    return r;
  }

  static byte[] untyped(int code, byte[] body) {
    return ByteBuffer.allocate(8 + body.length).putInt(8 + body.length).putInt(code).put(body).array();
  }

  static byte[] typed(char type, byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    return ByteBuffer.allocate(5 + body.size()).put((byte) type).putInt(4 + body.size()).put(body.toByteArray())
        .array();
  }

  static byte[] startup(int version, Map<String, String> params) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    params.forEach((k, v) -> {
      body.writeBytes(cstr(k));
      body.writeBytes(cstr(v));
    });
    body.write(0);
    return untyped(version, body.toByteArray());
  }

  static byte[] sslRequest() {
    return untyped(80877103, new byte[0]);
  }

  static byte[] password(String token) {
    return typed('p', cstr(token));
  }

  static byte[] query(String sql) {
    return typed('Q', cstr(sql));
  }

  static byte[] parse(String name, String sql) {
    return typed('P', cstr(name), cstr(sql), new byte[] {0, 0});
  }

  static byte[] bind(String portal, String statement) {
    return typed('B', cstr(portal), cstr(statement), new byte[] {0, 0, 0, 0, 0, 0});
  }

  static byte[] execute(String portal) {
    return typed('E', cstr(portal), new byte[] {0, 0, 0, 0});
  }

  static byte[] sync() {
    return typed('S');
  }

  RawPgClient send(byte[]... messages) throws IOException {
    for (byte[] m : messages) {
      out.write(m);
    }
    out.flush();
    return this;
  }

  /** Startup + token over plaintext (the gateway must allow plaintext) until the first ReadyForQuery. */
  RawPgClient login(String target, String token) throws IOException {
    send(startup(196608, Map.of("user", "ci-bot", "database", target)));
    Msg auth = read();
    if (auth.type() != 'R') {
      throw new IOException("expected authentication request, got " + auth.type() + " " + auth.fields());
    }
    send(password(token));
    readUntil('Z');
    return this;
  }

  // --- reader ----------------------------------------------------------------------------------------------

  Msg read() throws IOException {
    char type = (char) in.readUnsignedByte();
    int len = in.readInt();
    byte[] body = new byte[len - 4];
    in.readFully(body);
    return new Msg(type, body);
  }

  /** Reads until a message of {@code type}; returns the first ErrorResponse seen on the way, else that message. */
  Msg readUntil(char type) throws IOException {
    Msg error = null;
    while (true) {
      Msg m = read();
      if (m.type() == 'E' && error == null) {
        error = m;
      }
      if (m.type() == type) {
        return error != null ? error : m;
      }
    }
  }

  /** True once the server has closed the connection (EOF or reset) within the socket timeout. */
  boolean closedByPeer() throws IOException {
    try {
      while (in.read() >= 0) {
        // drain whatever came before the close
      }
      return true;
    } catch (EOFException | java.net.SocketException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
