/**
 * Set-up for the XcpngLuaVM suites: a simulator with real sshd guests that accept a key pair the
 * test generates (own address range 127.79.x.y, so it does not meet other suites' guests),
 * a client, the start counts and the leak check.
 */
import * as os from "node:os";
import { utils } from "ssh2";
import { expect } from "vitest";
import { XapiClient } from "../../../sdk/xapi";
import { ownerMarkerKey, ownerTag } from "../../../sdk/xapi/recipes";
import type { XcpngLuaVmSpec } from "../../../sdk/vm/xcpng";
import { SEEDED, TEMPLATES, startSimulator, type Simulator, type SimulatorOptions } from "../../../sim";

/** Classes whose counts must return to the start values. */
const COUNTED = ["VM", "VDI", "VBD", "VIF"] as const;

/** A running simulator with guests, a client and a key pair the guests accept. */
export interface XcpngSim {
  sim: Simulator;
  client: XapiClient;
  keys: { private: string; public: string };
  /** the OS user the guests log in as */
  user: string;
  /** guest sshd port */
  sshPort: number;
  baseline: Record<string, number>;
  stop(): Promise<void>;
}

/** Starts the simulator (no latency, guests booting after 100 ms). */
export async function startXcpngSim(options: SimulatorOptions = {}, addressBase = "127.79"): Promise<XcpngSim> {
  const keys = utils.generateKeyPairSync("ed25519");
  const sshPort = 2222;
  const sim = await startSimulator({ slaveHost: false, latency: { scale: 0 }, guest: { authorizedKeys: [keys.public], bootDelayMs: 100, sshPort, addressBase }, ...options });
  try {
    const client = await XapiClient.connect({ url: sim.url, username: sim.username, password: sim.password, timeoutMs: 20_000 });
    const baseline = Object.fromEntries(COUNTED.map((cls) => [cls, sim.objects(cls).length]));
    return {
      sim,
      client,
      keys,
      user: os.userInfo().username,
      sshPort,
      baseline,
      async stop() {
        await client.close();
        await sim.stop();
      },
    };
  } catch (error) {
    await sim.stop();
    throw error;
  }
}

/** Asserts no VM/VIF of ours is left and VM/VDI/VBD/VIF counts are back to the start. */
export function expectNoLeftovers(env: XcpngSim): void {
  const ours = env.sim.objects("VM").filter((o) => ownerMarkerKey in (o.record.other_config ?? {}) || (o.record.tags ?? []).includes(ownerTag));
  expect(ours.map((o) => o.record.name_label)).toEqual([]);
  expect(Object.fromEntries(COUNTED.map((cls) => [cls, env.sim.objects(cls).length]))).toEqual(env.baseline);
}

/** A fresh owner identity per test. */
export function testOwner(name: string): string {
  return `xcpng-test/dev/XcpngLuaVM/${name}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A spec for the clone-ready template on the management network, overridable. */
export function vmSpec(env: XcpngSim, name: string, overrides: Partial<XcpngLuaVmSpec> = {}): XcpngLuaVmSpec {
  return {
    owner: testOwner(name),
    name,
    template: TEMPLATES.cloneReady,
    cloneMode: "clone",
    vcpus: 1,
    memoryMiB: 512,
    networks: [{ network: SEEDED.managementNetwork }],
    ssh: { user: env.user, port: env.sshPort, privateKey: env.keys.private },
    luaInterpreter: "lua5.4",
    tags: [],
    powerState: "running",
    allowRestart: false,
    ...overrides,
  };
}
