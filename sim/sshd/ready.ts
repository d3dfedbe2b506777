import { connect } from "node:net";

/**
 * Resolves true when something on address:port sends an "SSH-2.0-" banner, false when the
 * attempt fails (refused, closed, no banner before `attemptMs`).
 */
export function probeSshBanner(address: string, port: number, attemptMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    let received = "";
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), attemptMs);
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      if (received.startsWith("SSH-2.0-")) finish(true);
      else if (received.length >= 8) finish(false);
    });
    socket.on("error", () => finish(false));
    socket.on("close", () => finish(false));
  });
}
