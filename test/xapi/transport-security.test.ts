import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TlsFingerprintMismatchError, XapiClient } from "../../sdk/xapi";
import { createXapiAgent } from "../../sdk/xapi/tls";
import type { Simulator } from "../../sim";
import { generateCertificate, type SimCertificate } from "../../sim/server/tls";
import { credentials, startTestSim } from "../support/sim";
import { stopAfterFile } from "../support/sim-suite";

/**
 * The pinned-fingerprint connector turns chain checks off, so the pin must be checked on every
 * new connection, and no TLS session may be resumed (a resumed session shows no new certificate).
 */
describe("pinned TLS on every connection", () => {
  let first: SimCertificate;
  let second: SimCertificate;
  let server: Server;
  let url: string;
  const resumed: boolean[] = [];

  beforeAll(async () => {
    [first, second] = [generateCertificate(["127.0.0.1"]), generateCertificate(["127.0.0.1"])];
    // Every answer closes its connection, so each request needs a new TLS handshake.
    server = createServer({ cert: first.certificatePem, key: first.privateKeyPem }, (_req, res) => {
      res.writeHead(200, { connection: "close" }).end("ok");
    });
    server.on("secureConnection", (socket: TLSSocket) => resumed.push(socket.isSessionReused()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("never resumes a session and refuses a new connection once the host shows another certificate", async () => {
    const agent = createXapiAgent({ fingerprint256: first.fingerprint256 });
    try {
      for (let i = 0; i < 3; i++) {
        const response = await request(url, { dispatcher: agent });
        expect(await response.body.text()).toBe("ok");
      }
      expect(resumed).toEqual([false, false, false]);
      server.setSecureContext({ cert: second.certificatePem, key: second.privateKeyPem });
      const error = await request(url, { dispatcher: agent }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TlsFingerprintMismatchError);
      expect(error).toMatchObject({ expected: first.fingerprint256, offered: second.fingerprint256 });
    } finally {
      server.setSecureContext({ cert: first.certificatePem, key: first.privateKeyPem });
      await agent.destroy();
    }
  });
});

describe("plain http (the password would travel in the clear)", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = stopAfterFile(await startTestSim({ slaveHost: false }, { pace: "paced", client: false }));
  });

  it("is refused together with TLS trust options, which it would ignore", async () => {
    const fingerprint256 = "AB:".repeat(31) + "AB";
    const outcome = await XapiClient.connect({ url: sim.url, username: sim.username, password: sim.password, tls: { fingerprint256 } }).catch((e: unknown) => e);
    if (outcome instanceof XapiClient) await outcome.close();
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/plain http but TLS trust/);
    expect(sim.sessionCount()).toBe(0);
  });

  it("is refused to another machine, before any connection is made", async () => {
    const error = await XapiClient.connect({ url: "http://192.0.2.10", username: "root", password: "hunter2-pw" }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/plain http to another machine/);
    expect((error as Error).message).not.toContain("hunter2-pw");
  });

  it("is refused when HOST_IS_SLAVE names a master on another machine", async () => {
    sim.faults.add({ kind: "fail", method: "session.login_with_password", code: "HOST_IS_SLAVE", params: ["192.0.2.10"], times: 1 });
    const error = await XapiClient.connect({ ...credentials(sim), timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/http:\/\/192\.0\.2\.10:\d+ is plain http to another machine/);
    expect(sim.sessionCount()).toBe(0);
  });

  it("never echoes the credentials of a URL it cannot parse", async () => {
    const error = await XapiClient.connect({ url: "https://root:hunter2-pw@", username: "root", password: "x" }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/is not a URL/);
    expect((error as Error).message).not.toContain("hunter2-pw");
  });
});
