package io.dbops.schemaoperator.migration;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Just enough of SQL Server's side of TDS for the real mssql-jdbc driver to go through its connection
 * sequence on this machine: the pre-login exchange, the TLS handshake carried inside TDS packets,
 * and the LOGIN7 packet, which it reads and answers with the errors SQL Server sends for a bad login
 * or a missing database. It never lets a login succeed and runs no SQL. Written from the TDS
 * protocol (MS-TDS) and what mssql-jdbc 13.6 sends; each connection it served is reported as a
 * {@link Session}.
 */
final class FakeSqlServer implements AutoCloseable {
  static final byte ENCRYPT_OFF = 0;
  static final byte ENCRYPT_ON = 1;
  static final byte ENCRYPT_NOT_SUP = 2;

  private static final byte PKT_REPLY = 0x04;
  private static final byte PKT_LOGIN7 = 0x10;
  private static final byte PKT_PRELOGIN = 0x12;
  private static final int STATUS_EOM = 0x01;
  private static final int HEADER = 8;
  private static final int PACKET_SIZE = 4096;

  /** An error SQL Server answers a login with, e.g. 18456 "Login failed for user". */
  record ServerError(int number, int state, int severity, String message) {}

  /** What the driver put in its LOGIN7 packet (the password de-obfuscated). */
  record Login(String user, String password, String application, String serverName, String database) {}

  /**
   * One connection: the encryption the driver asked for and what this server answered, whether the
   * TLS handshake completed, the login it then received, and why it stopped if it stopped early.
   */
  record Session(byte requested, byte answered, boolean handshakeCompleted, String tlsProtocol, Login login, String ended) {}

  private final ServerSocket listener;
  private final SSLContext tls;
  private final List<ServerError> loginErrors;
  private final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
  private final Thread thread;

  private FakeSqlServer(SSLContext tls, List<ServerError> loginErrors) throws IOException {
    this.tls = tls;
    this.loginErrors = List.copyOf(loginErrors);
    this.listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    this.thread = new Thread(this::acceptLoop, "fake-sqlserver-" + listener.getLocalPort());
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** A server with a TLS certificate, like SQL Server in Docker with its generated self-signed one. */
  static FakeSqlServer withCertificate(TestCertificates.Identity identity, ServerError... loginErrors) throws IOException {
    return new FakeSqlServer(identity.serverContext(), List.of(loginErrors));
  }

  /** A server that has no certificate and so cannot encrypt at all. */
  static FakeSqlServer withoutTls() throws IOException {
    return new FakeSqlServer(null, List.of());
  }

  int port() {
    return listener.getLocalPort();
  }

  /** The next connection this server finished with. */
  Session nextSession(Duration timeout) throws InterruptedException {
    Session s = sessions.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (s == null) {
      throw new AssertionError("the driver never finished a connection to the fake SQL Server within " + timeout);
    }
    return s;
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try (Socket socket = listener.accept()) {
        socket.setSoTimeout(20_000);
        sessions.add(new Conversation(socket).run());
      } catch (IOException e) {
        if (listener.isClosed()) {
          return;
        }
      }
    }
  }

  /** One client connection, from pre-login to the answer to its login. */
  private final class Conversation {
    private final DataInputStream in;
    private final OutputStream out;
    private final ByteBuffer netIn = ByteBuffer.allocate(1 << 17).flip();
    private byte requested = -1;
    private byte answered = -1;
    private boolean handshakeCompleted;
    private String protocol;
    private Login login;

    Conversation(Socket socket) throws IOException {
      this.in = new DataInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
    }

    Session run() {
      try {
        byte[] prelogin = readMessage(PKT_PRELOGIN);
        if (prelogin == null) {
          return end("the client closed before pre-login");
        }
        requested = option(prelogin, 0x01);
        answered = tls == null ? ENCRYPT_NOT_SUP : requested == ENCRYPT_OFF ? ENCRYPT_OFF : ENCRYPT_ON;
        writeMessage(PKT_REPLY, preloginResponse(answered));
        if (answered == ENCRYPT_NOT_SUP) {
          byte[] plain = readMessage(PKT_LOGIN7);
          if (plain == null) {
            return end("the client gave up after pre-login: this server offers no encryption");
          }
          login = parseLogin(plain);
          return end("login received without encryption");
        }
        SSLEngine engine = tls.createSSLEngine();
        engine.setUseClientMode(false);
        // SQL Server speaks TLS 1.2 inside TDS 7 pre-login packets.
        engine.setEnabledProtocols(new String[] {"TLSv1.2"});
        String handshakeEnd = handshake(engine);
        if (handshakeEnd != null) {
          return end(handshakeEnd);
        }
        handshakeCompleted = true;
        protocol = engine.getSession().getProtocol();
        byte[] login7 = readTlsMessage(engine);
        if (login7 == null) {
          return end("the client closed after the TLS handshake");
        }
        login = parseLogin(login7);
        byte[] reply = tdsPackets(PKT_REPLY, loginReply());
        if (answered == ENCRYPT_ON) {
          writeTls(engine, reply);
        } else {
          // Login-only encryption: the driver drops TLS right after sending LOGIN7.
          out.write(reply);
          out.flush();
        }
        return end("answered the login with " + loginErrors.size() + " error(s)");
      } catch (IOException | RuntimeException e) {
        return end("server side failed: " + e);
      }
    }

    private Session end(String why) {
      return new Session(requested, answered, handshakeCompleted, protocol, login, why);
    }

    /** Server side of the TLS handshake, each flight framed as one TDS message. Null when it completed. */
    private String handshake(SSLEngine engine) throws IOException {
      engine.beginHandshake();
      ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
      ByteBuffer wrapped = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      ByteArrayOutputStream flight = new ByteArrayOutputStream();
      try {
        while (true) {
          switch (engine.getHandshakeStatus()) {
            case NEED_TASK -> {
              Runnable task;
              while ((task = engine.getDelegatedTask()) != null) {
                task.run();
              }
            }
            case NEED_WRAP -> {
              wrapped.clear();
              SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), wrapped);
              flight.write(wrapped.array(), 0, wrapped.position());
              if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                sendFlight(flight);
                return "the TLS handshake was closed";
              }
            }
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
              sendFlight(flight);
              app.clear();
              SSLEngineResult r = engine.unwrap(netIn, app);
              if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                byte[] more = readPacketPayload();
                if (more == null) {
                  return "the client abandoned the TLS handshake";
                }
                netIn.compact().put(more).flip();
              } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                return "the client closed the TLS handshake";
              }
            }
            case FINISHED, NOT_HANDSHAKING -> {
              sendFlight(flight);
              return null;
            }
          }
        }
      } catch (SSLException e) {
        return "the client refused the TLS handshake: " + e.getMessage();
      }
    }

    private void sendFlight(ByteArrayOutputStream flight) throws IOException {
      if (flight.size() > 0) {
        writeMessage(PKT_PRELOGIN, flight.toByteArray());
        flight.reset();
      }
    }

    /** After the handshake TLS records travel bare; inside them, TDS packets. */
    private byte[] readTlsMessage(SSLEngine engine) throws IOException {
      ByteArrayOutputStream plain = new ByteArrayOutputStream();
      ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
      byte[] chunk = new byte[8192];
      while (true) {
        byte[] message = completeMessage(plain.toByteArray());
        if (message != null) {
          return message;
        }
        app.clear();
        SSLEngineResult r = engine.unwrap(netIn, app);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
          int n = in.read(chunk);
          if (n < 0) {
            return null;
          }
          netIn.compact().put(chunk, 0, n).flip();
        } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
          return null;
        }
        plain.write(app.array(), 0, app.position());
      }
    }

    private void writeTls(SSLEngine engine, byte[] data) throws IOException {
      ByteBuffer source = ByteBuffer.wrap(data);
      ByteBuffer wrapped = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      while (source.hasRemaining()) {
        wrapped.clear();
        engine.wrap(source, wrapped);
        out.write(wrapped.array(), 0, wrapped.position());
      }
      out.flush();
    }

    /** The payload of one TDS message (all its packets), or null at end of stream. */
    private byte[] readMessage(byte expectedType) throws IOException {
      ByteArrayOutputStream payload = new ByteArrayOutputStream();
      while (true) {
        byte[] header = new byte[HEADER];
        try {
          in.readFully(header);
        } catch (EOFException e) {
          return null;
        }
        if (header[0] != expectedType) {
          throw new IOException("expected TDS packet type " + expectedType + " but got " + header[0]);
        }
        byte[] body = new byte[length(header) - HEADER];
        in.readFully(body);
        payload.write(body);
        if ((header[1] & STATUS_EOM) != 0) {
          return payload.toByteArray();
        }
      }
    }

    private byte[] readPacketPayload() throws IOException {
      byte[] header = new byte[HEADER];
      try {
        in.readFully(header);
      } catch (EOFException e) {
        return null;
      }
      byte[] body = new byte[length(header) - HEADER];
      in.readFully(body);
      return body;
    }

    private void writeMessage(byte type, byte[] payload) throws IOException {
      out.write(tdsPackets(type, payload));
      out.flush();
    }

    private byte[] loginReply() {
      ByteBuffer b = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
      for (ServerError e : loginErrors) {
        byte[] text = e.message().getBytes(StandardCharsets.UTF_16LE);
        byte[] server = "fake-sqlserver".getBytes(StandardCharsets.UTF_16LE);
        int length = 4 + 1 + 1 + 2 + text.length + 1 + server.length + 1 + 4;
        b.put((byte) 0xAA).putShort((short) length).putInt(e.number()).put((byte) e.state()).put((byte) e.severity());
        b.putShort((short) e.message().length()).put(text);
        b.put((byte) "fake-sqlserver".length()).put(server);
        b.put((byte) 0); // procedure name
        b.putInt(1); // line number
      }
      // DONE with DONE_ERROR: the login did not succeed.
      b.put((byte) 0xFD).putShort((short) 0x0002).putShort((short) 0).putLong(0);
      return Arrays.copyOf(b.array(), b.position());
    }
  }

  private static byte[] preloginResponse(byte encryption) {
    // VERSION (6 bytes) and ENCRYPTION (1 byte) options, then the terminator; offsets count from the payload start.
    return new byte[] {
        0x00, 0x00, 11, 0x00, 6,
        0x01, 0x00, 17, 0x00, 1,
        (byte) 0xFF,
        16, 0, 0x0F, (byte) 0xA0, 0, 0,
        encryption};
  }

  private static byte option(byte[] prelogin, int token) throws IOException {
    for (int i = 0; i < prelogin.length && prelogin[i] != (byte) 0xFF; i += 5) {
      if (prelogin[i] == token) {
        int offset = ((prelogin[i + 1] & 0xFF) << 8) | (prelogin[i + 2] & 0xFF);
        return prelogin[offset];
      }
    }
    throw new IOException("pre-login request without option " + token);
  }

  private static int length(byte[] header) {
    return ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
  }

  /** Splits a message into TDS packets of at most 4096 bytes, the last one marked end-of-message. */
  static byte[] tdsPackets(byte type, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int max = PACKET_SIZE - HEADER;
    int offset = 0;
    int packetId = 1;
    do {
      int n = Math.min(max, payload.length - offset);
      boolean last = offset + n >= payload.length;
      int length = HEADER + n;
      out.write(type);
      out.write(last ? STATUS_EOM : 0);
      out.write(length >> 8);
      out.write(length & 0xFF);
      out.write(0);
      out.write(0);
      out.write(packetId++ & 0xFF);
      out.write(0);
      out.write(payload, offset, n);
      offset += n;
    } while (offset < payload.length);
    return out.toByteArray();
  }

  /** The first complete TDS message in the bytes, as its joined payload; null while incomplete. */
  private static byte[] completeMessage(byte[] bytes) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    int offset = 0;
    while (offset + HEADER <= bytes.length) {
      int length = ((bytes[offset + 2] & 0xFF) << 8) | (bytes[offset + 3] & 0xFF);
      if (offset + length > bytes.length) {
        return null;
      }
      payload.write(bytes, offset + HEADER, length - HEADER);
      if ((bytes[offset + 1] & STATUS_EOM) != 0) {
        return payload.toByteArray();
      }
      offset += length;
    }
    return null;
  }

  /** Reads the variable part of LOGIN7: (offset, length in characters) pairs after 36 fixed bytes. */
  private static Login parseLogin(byte[] login7) {
    ByteBuffer b = ByteBuffer.wrap(login7).order(ByteOrder.LITTLE_ENDIAN);
    return new Login(
        text(b, 40),
        password(b, 44),
        text(b, 48),
        text(b, 52),
        text(b, 68));
  }

  private static String text(ByteBuffer b, int at) {
    int offset = Short.toUnsignedInt(b.getShort(at));
    int chars = Short.toUnsignedInt(b.getShort(at + 2));
    return new String(b.array(), offset, chars * 2, StandardCharsets.UTF_16LE);
  }

  /** LOGIN7 obfuscates the password: each byte's nibbles swapped, then XOR 0xA5. */
  private static String password(ByteBuffer b, int at) {
    int offset = Short.toUnsignedInt(b.getShort(at));
    int chars = Short.toUnsignedInt(b.getShort(at + 2));
    byte[] raw = Arrays.copyOfRange(b.array(), offset, offset + chars * 2);
    for (int i = 0; i < raw.length; i++) {
      int x = (raw[i] & 0xFF) ^ 0xA5;
      raw[i] = (byte) (((x << 4) & 0xF0) | ((x >> 4) & 0x0F));
    }
    return new String(raw, StandardCharsets.UTF_16LE);
  }
}
