/**
 * What the XcpngLuaVM suites use around `startTestSim(options, { sshGuests, counted: XCPNG_COUNTED })`
 * (test/support/sim): the leak check, owners, specs and the pool uuid.
 */
import { setConfiguredValues } from "../../../provider/runtime/config";
import { closeAllXapiClients } from "../../../provider/runtime/connections";
import { closeAllSshConnections } from "../../../sdk/ssh";
import type { XcpngLuaVmSpec } from "../../../sdk/vm/xcpng";
import type { Engine, ProgramDir } from "../../support/engine";
import { finishEngineSuite } from "../../support/engine-suite";
import { SEEDED, TEMPLATES } from "../../../sim";
import type { SshGuestLogin, TestSim } from "../../support/sim";
import { expectNoLeftovers as expectNoSimLeftovers } from "../../support/sim-suite";

/** Classes whose counts must return to the start values (`counted` of `startTestSim`). */
export const XCPNG_COUNTED = ["VM", "VDI", "VBD", "VIF"] as const;

/** A running simulator with sshd guests, a client and a key pair the guests accept. */
export type XcpngSim = TestSim & SshGuestLogin;

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

/** Points the provider's configuration at `env`: its XAPI login and the guests' SSH user. */
export function configureProviderFor(env: XcpngSim): void {
  setConfiguredValues({ xapiUrl: env.sim.url, xapiUsername: env.sim.username, xapiPassword: env.sim.password, sshUser: env.user });
}

/**
 * Ends a suite file on `env` (see useXcpngSim): the provider's configuration cleared and its shared
 * XAPI clients closed (`provider`), SSH connections closed, the leftover check, the simulator stopped.
 */
export async function finishXcpngSim(env: XcpngSim | undefined, provider: boolean): Promise<void> {
  if (provider) setConfiguredValues({});
  await closeAllSshConnections();
  if (provider) await closeAllXapiClients();
  if (!env) return;
  try {
    expectNoLeftovers(env);
  } finally {
    await env.stop();
  }
}

/** Ends an engine suite on one simulator: {@link finishEngineSuite} with the leftover check. */
export function finishEngineSim(engine: Engine | undefined, env: XcpngSim | undefined, program: ProgramDir | undefined): Promise<void> {
  return finishEngineSuite({ engines: [engine], check: () => env && expectNoLeftovers(env), program, servers: [env] });
}

/**
 * Raw XcpngLuaVM inputs (before check, what a program passes) for the clone-ready template on the
 * management network, owned by a fresh {@link testOwner}; `overrides` replace whole inputs (`__owner` too).
 */
export function providerInputs(env: XcpngSim, name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    __owner: testOwner(name),
    name,
    template: TEMPLATES.cloneReady,
    networks: [{ network: SEEDED.managementNetwork }],
    ssh: { port: env.sshPort, privateKey: env.keys.private },
    luaInterpreter: "lua5.4",
    memoryMiB: 512,
    timeouts: { create: 30, ready: 30, delete: 20 },
    ...overrides,
  };
}
