/**
 * An HTTP proxy in front of the simulator that answers the first `calls` requests and then stops
 * answering: what a provider process sees when it is killed mid-create (its XAPI connection goes
 * silent). `kill()` then drops every connection and refuses new ones, so the abandoned provider
 * can never reach the pool again (its rollback fails, as a dead process's would never run).
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A running cut proxy. */
export interface CutProxy {
  url: string;
  /** requests forwarded so far */
  forwarded(): number;
  kill(): Promise<void>;
}

/** Starts a proxy to `target` that forwards `calls` requests, then holds every later one unanswered. */
export async function startCutProxy(target: string, calls: number): Promise<CutProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let count = 0;
  const server = http.createServer((req, res) => {
    if (count >= calls) return; // never answered: the "process" stops here
    count += 1;
    const forward = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded: () => count,
    kill: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
