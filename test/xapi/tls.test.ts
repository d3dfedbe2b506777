import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../sim";
import { TlsFingerprintMismatchError, XapiClient, XapiTransportError } from "../../sdk/xapi";
import { credentials, startTestSim } from "../support/sim";
import { stopAfterFile } from "../support/sim-suite";

describe("TLS trust", () => {
  let sim: Simulator;
  let dir: string;
  beforeAll(async () => {
    sim = stopAfterFile(await startTestSim({ https: true, slaveHost: false }, { pace: "paced", client: false }));
    dir = mkdtempSync(join(tmpdir(), "xapi-tls-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a self-signed host by default (verification is on)", async () => {
    const error = await XapiClient.connect({ ...credentials(sim) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiTransportError);
    expect((error as Error).message).toMatch(/certificate/i);
    expect(sim.sessionCount()).toBe(0);
  });

  it("refuses a certificate other than the pinned one, showing expected and offered fingerprints", async () => {
    const pinned = "00:".repeat(31) + "00";
    const error = await XapiClient.connect({ ...credentials(sim), tls: { fingerprint256: pinned } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiTransportError);
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(TlsFingerprintMismatchError);
    expect(cause).toMatchObject({ expected: pinned, offered: sim.certificateFingerprint256 });
    expect((error as Error).message).toContain(sim.certificateFingerprint256!);
    expect(sim.sessionCount()).toBe(0);
  });

  it("accepts the pinned fingerprint written as lower-case plain hex", async () => {
    const hex = sim.certificateFingerprint256!.replace(/:/g, "").toLowerCase();
    const client = await XapiClient.connect({ ...credentials(sim), tls: { fingerprint256: hex } });
    await client.close();
  });

  it("trusts the host through a CA file and through CA text", async () => {
    const caFile = join(dir, "ca.pem");
    writeFileSync(caFile, sim.certificatePem!);
    for (const tls of [{ caFile }, { ca: sim.certificatePem! }]) {
      const client = await XapiClient.connect({ ...credentials(sim), tls });
      expect(await client.call("pool.get_all")).toHaveLength(1);
      await client.close();
    }
    expect(sim.sessionCount()).toBe(0);
  });

  it("refuses the host when the CA file holds an unrelated CA", async () => {
    const other = stopAfterFile(await startTestSim({ https: true, slaveHost: false }, { pace: "paced", client: false }));
    const caFile = join(dir, "other-ca.pem");
    writeFileSync(caFile, other.certificatePem!);
    await other.stop();
    const error = await XapiClient.connect({ ...credentials(sim), tls: { caFile } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XapiTransportError);
  });

  it("says which CA file cannot be read", async () => {
    const caFile = join(dir, "missing.pem");
    await expect(XapiClient.connect({ ...credentials(sim), tls: { caFile } })).rejects.toThrow(caFile);
  });
});
