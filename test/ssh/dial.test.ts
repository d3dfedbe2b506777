import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllSshConnections, sshTarget, SshError, type SshTarget } from "../../sdk/ssh";
import { startSshd, type SshdHandle } from "../../sim/sshd/launcher";
import { freePort, startTestSshd, type TestSshd } from "../support/sshd";

const started: Array<SshdHandle | TestSshd> = [];
let blackHole: Server;
const blackHoleSockets = new Set<Socket>();
beforeAll(async () => {
  blackHole = createServer((socket) => {
    blackHoleSockets.add(socket);
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await closeAllSshConnections();
  await Promise.all(started.map((s) => s.stop()));
  for (const socket of blackHoleSockets) socket.destroy();
  await new Promise((resolve) => blackHole.close(resolve));
});

/**
 * A target on a server that accepts TCP and never sends an SSH banner (only an abort can end the
 * attempt), and the server's side of the first connection it gets.
 */
function stalledTarget(): { target: SshTarget; serverSide: Promise<Socket> } {
  const serverSide = new Promise<Socket>((resolve) => blackHole.once("connection", resolve));
  const target = sshTarget({
    host: "127.0.0.1",
    port: (blackHole.address() as AddressInfo).port,
    username: "nobody",
    password: "x",
    hostKey: { trustOnFirstUse: true },
    dialTimeoutMs: 600_000,
    readyTimeoutMs: 600_000,
  });
  return { target, serverSide };
}

describe("dialling", () => {
  it("gives up on a closed port at the deadline and reports the last cause", async () => {
    const port = await freePort();
    const target = sshTarget({ host: "127.0.0.1", port, username: "nobody", password: "x", hostKey: { trustOnFirstUse: true }, dialTimeoutMs: 1_500 });
    const error = await target.exec(["true"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).reason).toBe("UNREACHABLE");
    expect((error as SshError).message).toContain("ECONNREFUSED");
    expect(((error as SshError).cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });

  it("connects to a host that starts listening while we back off", async () => {
    // The fixture's keys and host key, served later on a port that is closed when we start dialling.
    const keys = await startTestSshd();
    started.push(keys);
    const port = await freePort();
    const target = sshTarget({
      host: "127.0.0.1",
      port,
      username: keys.username,
      privateKey: keys.privateKey,
      hostKey: { trustOnFirstUse: true },
      dialTimeoutMs: 30_000,
    });
    const result = target.exec(["echo", "booted"]);
    await new Promise((r) => setTimeout(r, 700));
    started.push(await startSshd({ addresses: ["127.0.0.1"], port, authorizedKeys: [keys.publicKey] }));
    expect((await result).stdout).toBe("booted\n");
  });

  it("an abort signal stops the dial loop", async () => {
    const port = await freePort();
    const target = sshTarget({ host: "127.0.0.1", port, username: "nobody", password: "x", hostKey: { trustOnFirstUse: true }, dialTimeoutMs: 60_000 });
    const controller = new AbortController();
    const pending = target.exec(["true"], { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(new Error("test abort")), 300);
    const error = await pending;
    expect((error as SshError).reason).toBe("ABORTED");
  });

  it("an abort ends a stalled attempt at once, not at its ready timeout", async () => {
    const { target, serverSide } = stalledTarget();
    const controller = new AbortController();
    const pending = target.exec(["true"], { signal: controller.signal }).catch((e: unknown) => e);
    const socket = await serverSide;
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    controller.abort(new Error("test abort"));
    expect(((await pending) as SshError).reason).toBe("ABORTED");
    // The shared dial let go of its socket too (without the fix this waits for the 10-minute ready timeout).
    await closed;
  });

  it("hostKeyFingerprint({ signal }) stops waiting, and dialling, when the signal aborts", async () => {
    const { target, serverSide } = stalledTarget();
    const controller = new AbortController();
    const pending = target.hostKeyFingerprint({ signal: controller.signal }).catch((e: unknown) => e);
    const socket = await serverSide;
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    controller.abort(new Error("test abort"));
    expect(((await pending) as SshError).reason).toBe("ABORTED");
    await closed; // the dial nobody waits for any more let go of its socket
  });
});
