/** An in-process TCP forwarder: one listener whose connections are piped to a fixed target. */
import * as net from "node:net";

/** Where a forwarder sends its connections. */
export interface ForwardTarget {
  host: string;
  port: number;
}

/** A listening forwarder; `close` stops listening and ends every open connection. */
export interface TcpForwarder {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens on `address:port` (exclusive bind) and pipes each accepted connection to `target`
 * (a connection the target refuses is closed). Rejects with the bind error (its `code` kept, e.g.
 * EADDRINUSE) when the listen fails.
 */
export function startForwarder(address: string, port: number, target: ForwardTarget): Promise<TcpForwarder> {
  const open = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host: target.host, port: target.port, noDelay: true });
    inbound.setNoDelay(true);
    for (const socket of [inbound, outbound]) {
      open.add(socket);
      socket.once("close", () => open.delete(socket));
      // Either side failing ends both: the client sees the connection drop, as with a dead guest.
      socket.once("error", () => (inbound.destroy(), outbound.destroy()));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.off("error", reject);
      resolve({
        address,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            open.forEach((socket) => socket.destroy());
          }),
      });
    });
  });
}
