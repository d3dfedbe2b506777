import { createServer } from "node:net";

/** A TCP port that was free on `host` a moment ago (the OS picks it; bind it soon). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error(`no free port on ${host}`))));
    });
  });
}
