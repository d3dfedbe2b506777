/**
 * One simulator with sshd guests per XcpngLuaVM suite file: started before the suite, checked for
 * leftovers and stopped after it; optionally the provider's XAPI/SSH settings point at it.
 */
import { afterAll, beforeAll } from "vitest";
import { setConfiguredValues } from "../../../provider/runtime/config";
import { closeAllXapiClients } from "../../../provider/runtime/connections";
import { closeAllSshConnections } from "../../../sdk/ssh";
import type { SimulatorOptions } from "../../../sim";
import { startTestSim } from "../../support/sim";
import { XCPNG_COUNTED, expectNoLeftovers, testOwner, xcpngInputs, type XcpngSim } from "./xcpng-sim";

/** Options of {@link useXcpngSim}. */
export interface XcpngSuiteOptions {
  /** the guests' address prefix, unique per suite file (e.g. "127.90") */
  addressBase: string;
  simulator?: SimulatorOptions;
  /** set the provider's configuration (bioxen:xapi*, sshUser) to this simulator */
  provider?: boolean;
}

/** Registers the suite's simulator; the returned function gives it once the suite has started. */
export function useXcpngSim(options: XcpngSuiteOptions): () => XcpngSim {
  let env: XcpngSim | undefined;
  beforeAll(async () => {
    env = await startTestSim(options.simulator ?? {}, { sshGuests: { addressBase: options.addressBase }, counted: XCPNG_COUNTED });
    if (options.provider) setConfiguredValues({ xapiUrl: env.sim.url, xapiUsername: env.sim.username, xapiPassword: env.sim.password, sshUser: env.user });
  });
  afterAll(async () => {
    if (options.provider) setConfiguredValues({});
    await closeAllSshConnections();
    if (options.provider) await closeAllXapiClients();
    if (!env) return;
    try {
      expectNoLeftovers(env);
    } finally {
      await env.stop();
    }
  });
  return () => {
    if (!env) throw new Error("the XcpngLuaVM suite simulator is not started yet");
    return env;
  };
}

/** Raw XcpngLuaVM inputs for the clone-ready template on the management network (what a program passes), overridable. */
export function providerInputs(env: XcpngSim, name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...xcpngInputs(env, testOwner(name), name), timeouts: { create: 30, ready: 30, delete: 20 }, ...overrides };
}

/** The check failures of raw inputs as "property: reason" lines. */
export async function checkFailures(check: (olds: Record<string, unknown>, news: Record<string, unknown>) => Promise<{ failures: Array<{ property: string; reason: string }> }>, news: Record<string, unknown>): Promise<string[]> {
  return (await check({}, news)).failures.map((f) => `${f.property}: ${f.reason}`);
}
