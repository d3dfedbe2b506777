/**
 * Set-up for the XcpngLuaVM suites: a simulator with real sshd guests that accept a key pair the
 * test generates (own address range 127.79.x.y, so it does not meet other suites' guests),
 * a client, the start counts and the leak check.
 */
import * as os from "node:os";
import { generateClientKeyPair } from "../../support/client-key";
import type { XcpngLuaVmSpec } from "../../../sdk/vm/xcpng";
import { SEEDED, TEMPLATES, type SimulatorOptions } from "../../../sim";
import { expectNoLeftovers as expectNoSimLeftovers, startSimSession, type SimSession } from "../../support/sim";

/** Classes whose counts must return to the start values. */
const COUNTED = ["VM", "VDI", "VBD", "VIF"] as const;

/** A running simulator with guests, a client and a key pair the guests accept. */
export interface XcpngSim extends SimSession {
  keys: { private: string; public: string };
  /** the OS user the guests log in as */
  user: string;
  /** guest sshd port */
  sshPort: number;
}

/** Starts the simulator (no latency, guests booting after 100 ms). */
export async function startXcpngSim(options: SimulatorOptions = {}, addressBase = "127.79"): Promise<XcpngSim> {
  const keys = generateClientKeyPair();
  const sshPort = 2222;
  const session = await startSimSession({ guest: { authorizedKeys: [keys.public], bootDelayMs: 100, sshPort, addressBase }, ...options }, { counted: COUNTED });
  return { ...session, keys, user: os.userInfo().username, sshPort };
}

/** Asserts no VM of ours is left and VM/VDI/VBD/VIF counts are back to the start. */
export function expectNoLeftovers(env: XcpngSim): void {
  expectNoSimLeftovers(env, ["VM"]);
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

/** The simulated pool's uuid, as XAPI reports it (what an XcpngLuaVM's machineId carries). */
export async function poolUuidOf(env: XcpngSim): Promise<string> {
  const [pool] = (await env.client.call("pool.get_all")) as string[];
  return String(await env.client.call("pool.get_uuid", pool!));
}
