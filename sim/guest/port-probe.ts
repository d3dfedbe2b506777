import * as net from "node:net";

/**
 * Whether nothing listens on `address:port` right now: binds and closes a throw-away listener.
 * Resolves false on EADDRINUSE (or EADDRNOTAVAIL); any other bind error is thrown with context.
 */
export function isPortFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EADDRNOTAVAIL") resolve(false);
      else reject(new Error(`guest host: probing ${address}:${port} failed: ${error.message}`, { cause: error }));
    });
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
