/**
 * The simulator against an independent, real-world XAPI client: Xen Orchestra's `xen-api`
 * (v4.7). It connects, fills its object cache, follows events, runs sync and async calls, maps
 * errors, follows HOST_IS_SLAVE and falls back to XML-RPC exactly as it does against XCP-ng.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Xapi, XapiError } from "xen-api";
import type { Simulator } from "../../sim";
import { cacheReaches, cachedOf, disconnectXo, sessionsDrained, useXoSimulator, xoClient } from "./xo-support";

const TRANSPORTS = [
  { name: "JSON-RPC (auto transport, as XO connects to XCP-ng 8.x)", jsonRpc: true },
  { name: "XML-RPC fallback (a host whose /jsonrpc answers text/xml)", jsonRpc: false },
];

describe.each(TRANSPORTS)("XO xen-api client over $name", ({ jsonRpc }) => {
  const suite = useXoSimulator({ jsonRpc });
  let sim: Simulator;
  let xo: Xapi;

  beforeAll(async () => {
    sim = suite.sim;
    xo = xoClient(sim, sim.url);
    await xo.connect();
    await xo.objectsFetched;
  });
  // Registered after useXoSimulator's afterAll, so it runs before the simulator stops.
  afterAll(async () => {
    if (xo) await disconnectXo(sim, xo);
  });

  const labels = (type: string) => cachedOf(xo, type).map((o) => o.name_label as string).sort();

  it("fills its cache with the seeded pool, hosts, templates, SRs and networks", () => {
    expect(xo.pool?.name_label).toBe("bioxen-sim-pool");
    expect(xo.pool?.$master?.name_label).toBe("xcp-sim-1");
    expect(labels("host")).toEqual(["xcp-sim-1", "xcp-sim-2"]);
    const templates = cachedOf(xo, "VM").filter((vm) => vm.is_a_template && !vm.is_control_domain && !vm.is_a_snapshot);
    expect(templates.map((t) => t.name_label).sort()).toEqual([
      "Debian Bookworm 12",
      "Ubuntu Jammy Jellyfish 22.04",
      "Ubuntu Jammy Jellyfish 22.04",
      "bioxen-lua-5.4",
      "bioxen-lua-5.4-cloud-init",
      "bioxen-lua-5.4-no-tools",
    ]);
    expect(labels("SR")).toEqual(expect.arrayContaining(["Local storage", "NFS shared storage"]));
    expect(labels("network")).toEqual(["Host internal management network", "Pool-wide network associated with eth0"]);
  });

  it("holds exactly the objects the simulator holds, linked by ref", () => {
    for (const type of ["VM", "host", "SR", "network", "PIF", "VDI", "VBD"]) {
      const simRefs = sim.objects(type).map((o) => o.ref).sort();
      expect(cachedOf(xo, type).map((o) => o.$ref).sort(), type).toEqual(simRefs);
    }
    const eth0 = cachedOf(xo, "PIF").find((pif) => pif.$host?.name_label === "xcp-sim-1");
    expect(eth0?.$network?.bridge).toBe("xenbr0");
  });

  describe("a VM cloned, started, refused and destroyed through XO", () => {
    let vm: string;

    it("callAsync('VM.clone') returns the new ref parsed from task.result, and the clone reaches the cache", async () => {
      const template = cachedOf(xo, "VM").find((o) => o.name_label === "bioxen-lua-5.4")!;
      vm = await xo.callAsync("VM.clone", template.$ref, "xo-clone");
      expect(vm).toMatch(/^OpaqueRef:[0-9a-f-]{36}$/);
      const clone = await cacheReaches(xo, vm, (o) => o !== undefined, "the clone");
      expect(clone).toMatchObject({ name_label: "xo-clone", is_a_template: true, power_state: "Halted" });
      expect(clone!.other_config.mac_seed).toMatch(/\S/);
      expect(cachedOf(xo, "task").filter((t) => t.status === "pending")).toEqual([]);
    });

    it("call('VM.start') shows up as a Running VM in the cache", async () => {
      await xo.call("VM.set_is_a_template", vm, false);
      await expect(xo.call("VM.start", vm, false, false)).resolves.toBe("");
      const running = await cacheReaches(xo, vm, (o) => o?.power_state === "Running", "power_state Running");
      expect(running!.is_a_template).toBe(false);
      expect(running!.$resident_on?.$type).toBe("host");
    });

    it("maps VM_BAD_POWER_STATE to an XapiError with code and params, for call and callAsync", async () => {
      const expected = { code: "VM_BAD_POWER_STATE", params: [vm, "halted", "running"] };
      await expect(xo.call("VM.start", vm, false, false)).rejects.toMatchObject(expected);
      const error: XapiError = await xo.callAsync("VM.start", vm, false, false).then(
        () => { throw new Error("Async.VM.start on a running VM resolved"); },
        (e: XapiError) => e,
      );
      expect(error).toMatchObject(expected);
    });

    it("callAsync('VM.hard_shutdown') resolves with the empty result, then VM.destroy removes it from the cache", async () => {
      await expect(xo.callAsync("VM.hard_shutdown", vm)).resolves.toBe("");
      await cacheReaches(xo, vm, (o) => o?.power_state === "Halted", "power_state Halted");
      await xo.call("VM.destroy", vm);
      await cacheReaches(xo, vm, (o) => o === undefined, "removal");
      expect(sim.record("VM", vm)).toBeUndefined();
    });
  });

  it("disconnect() logs its session out: the simulator holds no session", async () => {
    expect(sim.sessionCount()).toBeGreaterThan(0);
    await disconnectXo(sim, xo);
    expect(xo.status).toBe("disconnected");
    expect(sim.sessionCount()).toBe(0);
  });
});

describe("XO xen-api client given a pool member's address", () => {
  const suite = useXoSimulator();
  let sim: Simulator;

  beforeAll(() => {
    sim = suite.sim;
  });

  it("follows HOST_IS_SLAVE from sim.slaveUrl to the master and works there", async () => {
    expect(sim.slaveUrl).toMatch(/^http:\/\/127\.0\.0\.2:/);
    const xo = xoClient(sim, sim.slaveUrl!, { watchEvents: false });
    try {
      await xo.connect();
      expect(xo.status).toBe("connected");
      // The member answers every call with HOST_IS_SLAVE: a working call proves the redirect.
      const hosts: Record<string, { name_label: string }> = await xo.call("host.get_all_records");
      expect(Object.values(hosts).map((h) => h.name_label).sort()).toEqual(["xcp-sim-1", "xcp-sim-2"]);
      expect(sim.sessionCount()).toBe(1);
    } finally {
      await disconnectXo(sim, xo);
    }
    await sessionsDrained(sim);
  });
});

describe("XO xen-api client over HTTPS (verification on)", () => {
  const suite = useXoSimulator({ https: true });
  let sim: Simulator;
  let caDir: string;

  beforeAll(async () => {
    sim = suite.sim;
    caDir = await mkdtemp(join(tmpdir(), "bioxen-xo-ca-"));
  });
  afterAll(async () => {
    if (caDir) await rm(caDir, { recursive: true, force: true });
  });

  it("refuses the simulator's self-signed certificate when nothing trusts it", async () => {
    const xo = xoClient(sim, sim.url, { watchEvents: false });
    await expect(xo.connect()).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    expect(xo.status).toBe("disconnected");
    expect(sim.sessionCount()).toBe(0);
  });

  it("connects, lists and clones when the certificate is trusted through NODE_EXTRA_CA_CERTS", async () => {
    // The client has no CA option (only allowUnauthorized, which turns verification off), so
    // trust goes where XO's own documentation puts it: Node's extra CA file, in a child process.
    const caFile = join(caDir, "sim-ca.pem");
    await writeFile(caFile, sim.certificatePem!);
    const report = await runHttpsProbe(sim, caFile);
    expect(report).toMatchObject({
      pool: "bioxen-sim-pool",
      hosts: ["xcp-sim-1", "xcp-sim-2"],
      clone: { ref: expect.stringMatching(/^OpaqueRef:/), name_label: "xo-https-clone" },
    });
    await sessionsDrained(sim);
  });
});

/** Runs xo-https-probe.mts in a child Node (tsx loader) with only `caFile` added to its trust. */
async function runHttpsProbe(sim: Simulator, caFile: string): Promise<unknown> {
  const probe = join(__dirname, "xo-https-probe.mts");
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", probe, sim.url, sim.username], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile, XO_PROBE_PASSWORD: sim.password },
    timeout: 45_000,
    encoding: "utf8",
  });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}
