/**
 * What the XcpngLuaVM suites use around `startTestSim(options, { sshGuests, counted: XCPNG_COUNTED })`
 * (test/support/sim): the leak check and the end of a suite file. Owners, specs and provider inputs,
 * which benchmarks share, are in test/support/xcpng-inputs (no vitest there).
 */
import { setConfiguredValues } from "../../../provider/runtime/config";
import { closeAllXapiClients } from "../../../provider/runtime/connections";
import { closeAllSshConnections } from "../../../sdk/ssh";
import type { Engine, ProgramDir } from "../../support/engine";
import { finishEngineSuite } from "../../support/engine-suite";
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
