package dev.cgroupns.testbed.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets pods reach the API server, which listens on loopback only, without kube-proxy: accepts on
 * the node bridge's address and copies bytes both ways to the API server. TLS passes through
 * untouched; the API server's serving certificate names the bridge's address.
 */
final class ApiRelay implements AutoCloseable {

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private ApiRelay(ServerSocket server, InetSocketAddress upstream) {
    this.server = server;
    this.upstream = upstream;
  }

  /** Listens on {@code address:port} and relays each connection to {@code upstream}. */
  static ApiRelay start(String address, int port, InetSocketAddress upstream) {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(address), port));
      ApiRelay relay = new ApiRelay(server, upstream);
      Thread accept = new Thread(relay::acceptLoop, "api-relay-accept");
      accept.setDaemon(true);
      accept.start();
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + ":" + port, e);
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      Socket api = new Socket();
      try {
        api.connect(upstream, 5_000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(api);
        continue;
      }
      open.add(client);
      open.add(api);
      pump(client, api);
      pump(api, client);
    }
  }

  /** Copies from one socket to the other until either end closes, then closes both. */
  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // A closed end: the other goes too.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "api-relay-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // Already gone.
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // Nothing to release.
    }
    open.forEach(this::closeQuietly);
  }
}
