package io.dbops.schemaoperator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP port that no database listens on and that counts every connection made to it, then closes
 * it. Hostile URLs and host aliases point here: a refusal that comes before any connection leaves
 * the count at zero, and one that comes from a failed connection does not.
 */
public final class Tripwire implements AutoCloseable {
  private final ServerSocket socket;
  private final AtomicInteger connections = new AtomicInteger();
  private final Thread acceptor;

  private Tripwire(ServerSocket socket) {
    this.socket = socket;
    this.acceptor = new Thread(this::accept, "tripwire-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Listens on a free port of the loopback address. */
  public static Tripwire start() {
    try {
      return new Tripwire(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a tripwire port", e);
    }
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try (Socket ignored = socket.accept()) {
        connections.incrementAndGet();
      } catch (IOException e) {
        // closed: the loop ends
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
