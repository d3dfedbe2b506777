/**
 * A loopback HTTP proxy in front of the pool that counts the XAPI calls passing through it, so
 * the report can say which calls each scenario phase made — on a real pool as on the simulator.
 * The provider hosts talk plain HTTP to 127.0.0.1 (which the XAPI client allows for loopback
 * only); the proxy talks to the pool with the target's TLS trust (pinned fingerprint or CA).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Readable } from "node:stream";
import { request } from "undici";
import { createXapiAgent } from "../../sdk/xapi/tls";
import type { AcceptanceTarget } from "./target";

/** A running recording proxy. */
export interface RecordingProxy {
  /** `http://127.0.0.1:<port>`: give it to the provider as the XAPI url. */
  url: string;
  /** Calls counted since the last `take()`, by method, and resets the count. */
  take(): Record<string, number>;
  stop(): Promise<void>;
}

/** The XAPI method named in a request body (XML-RPC or JSON-RPC), or the HTTP line for anything else. */
export function methodOf(req: Pick<IncomingMessage, "method" | "url">, body: string): string {
  const xml = /<methodName>\s*([^<\s]+)\s*<\/methodName>/.exec(body);
  if (xml) return xml[1]!;
  const json = /"method"\s*:\s*"([^"]+)"/.exec(body);
  if (json) return json[1]!;
  return `HTTP ${req.method} ${(req.url ?? "/").split("?")[0]}`;
}

/** Starts a proxy to the target's XAPI url. */
export async function startRecordingProxy(target: AcceptanceTarget): Promise<RecordingProxy> {
  const upstream = new URL(target.xapi.url);
  const tls = target.xapi.tlsFingerprint ? { fingerprint256: target.xapi.tlsFingerprint } : target.xapi.caFile ? { caFile: target.xapi.caFile } : {};
  const agent = createXapiAgent(tls);
  let counts: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    forward(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`acceptance proxy: ${(error as Error).message}`);
    });
  });
  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const method = methodOf(req, body.toString("utf8"));
    counts[method] = (counts[method] ?? 0) + 1;
    const headers = { ...req.headers, host: upstream.host };
    delete headers.connection;
    const reply = await request(new URL(req.url ?? "/", upstream), { method: req.method as "POST", headers, body: body.length ? body : undefined, dispatcher: agent });
    res.writeHead(reply.statusCode, Object.fromEntries(Object.entries(reply.headers).filter(([k]) => k !== "connection" && k !== "transfer-encoding")) as Record<string, string>);
    await new Promise<void>((resolve, reject) => {
      Readable.from(reply.body).on("error", reject).pipe(res).on("finish", resolve).on("error", reject);
    });
  }
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    take() {
      const taken = counts;
      counts = {};
      return taken;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await agent.close();
    },
  };
}
