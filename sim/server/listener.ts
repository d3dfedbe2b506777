/** An HTTP or HTTPS listener that routes XAPI requests and can be closed completely. */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { SimCore } from "../rpc/core";
import type { Caller } from "./call";
import { handleJsonRpc } from "./jsonrpc-endpoint";
import { sendHtmlError } from "./respond";
import { handleXmlRpc } from "./xmlrpc-endpoint";

/** How a listener serves. */
export interface ListenerOptions {
  host: string;
  port: number;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string; key: string };
  /** false: `/jsonrpc` falls through to XML-RPC, as on a host without JSON-RPC. */
  jsonRpc: boolean;
}

/** Bytes a listener moved since it started, over every connection (HTTP headers included). */
export interface ListenerBytes {
  received: number;
  sent: number;
}

/** A running listener. */
export interface Listener {
  /** The port actually bound. */
  port: number;
  /** Bytes received and sent so far (closed and open connections). */
  bytes(): ListenerBytes;
  /** Stops accepting, destroys open connections, resolves once closed. */
  close(): Promise<void>;
}

function route(core: SimCore, call: Caller, jsonRpc: boolean) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    const work =
      req.method !== "POST"
        ? Promise.resolve(sendHtmlError(res, 404, "Not Found"))
        : jsonRpc && path === "/jsonrpc"
          ? handleJsonRpc(core, call, req, res)
          : handleXmlRpc(core, call, req, res, path === "/jsonrpc" ? "xml-failure" : "http-500");
    work.catch(() => {
      if (!res.headersSent) sendHtmlError(res, 500, "Internal Server Error");
      else res.destroy();
    });
  };
}

/**
 * Starts listening.
 * @throws the listen error (EADDRINUSE, EADDRNOTAVAIL…) when the address cannot be bound
 */
export async function startListener(core: SimCore, call: Caller, options: ListenerOptions): Promise<Listener> {
  const handler = route(core, call, options.jsonRpc);
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
  server.keepAliveTimeout = 60_000;
  // event.from may legitimately block for a minute or more.
  server.requestTimeout = 0;
  const sockets = new Set<Socket>();
  const closed: ListenerBytes = { received: 0, sent: 0 };
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      closed.received += socket.bytesRead;
      closed.sent += socket.bytesWritten;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  let closing: Promise<void> | undefined;
  return {
    port,
    bytes() {
      const open = [...sockets];
      return {
        received: closed.received + open.reduce((sum, socket) => sum + socket.bytesRead, 0),
        sent: closed.sent + open.reduce((sum, socket) => sum + socket.bytesWritten, 0),
      };
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
