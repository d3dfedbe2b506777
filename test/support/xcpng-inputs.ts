/**
 * What an XcpngLuaVM test or benchmark passes to the SDK or the provider on a test simulator
 * (./sim) with sshd guests: owners, SDK specs, raw provider inputs, the provider's configuration
 * and the pool uuid. No vitest here, so benchmarks can use it (test/architecture/bench-imports.test.ts).
 */
import { setConfiguredValues } from "../../provider/runtime/config";
import type { XcpngLuaVmSpec } from "../../sdk/vm/xcpng";
import { SEEDED, TEMPLATES } from "../../sim";
import type { SshGuestLogin, TestSim } from "./sim";

/** A fresh owner identity per test. */
export function testOwner(name: string): string {
  return `xcpng-test/dev/XcpngLuaVM/${name}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A spec for the clone-ready template on the management network, reached as the guests' `login`, overridable. */
export function vmSpec(login: SshGuestLogin, name: string, overrides: Partial<XcpngLuaVmSpec> = {}): XcpngLuaVmSpec {
  return {
    owner: testOwner(name),
    name,
    template: TEMPLATES.cloneReady,
    cloneMode: "clone",
    vcpus: 1,
    memoryMiB: 512,
    networks: [{ network: SEEDED.managementNetwork }],
    ssh: { user: login.user, port: login.sshPort, privateKey: login.keys.private },
    luaInterpreter: "lua5.4",
    tags: [],
    powerState: "running",
    allowRestart: false,
    ...overrides,
  };
}

/**
 * Raw XcpngLuaVM inputs (before check, what a program passes) for the clone-ready template on the
 * management network, owned by a fresh {@link testOwner}; `overrides` replace whole inputs (`__owner` too).
 */
export function providerInputs(login: SshGuestLogin, name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    __owner: testOwner(name),
    name,
    template: TEMPLATES.cloneReady,
    networks: [{ network: SEEDED.managementNetwork }],
    ssh: { port: login.sshPort, privateKey: login.keys.private },
    luaInterpreter: "lua5.4",
    memoryMiB: 512,
    timeouts: { create: 30, ready: 30, delete: 20 },
    ...overrides,
  };
}

/** Points the provider's configuration at `env`: its XAPI login and the guests' SSH user. */
export function configureProviderFor(env: TestSim & SshGuestLogin): void {
  setConfiguredValues({ xapiUrl: env.sim.url, xapiUsername: env.sim.username, xapiPassword: env.sim.password, sshUser: env.user });
}

/** The simulated pool's uuid, as XAPI reports it (what an XcpngLuaVM's machineId carries). */
export async function poolUuidOf(env: TestSim): Promise<string> {
  const [pool] = (await env.client.call("pool.get_all")) as string[];
  return String(await env.client.call("pool.get_uuid", pool!));
}
