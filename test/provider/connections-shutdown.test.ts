/**
 * The provider host's shared XAPI clients at shutdown (provider/runtime/connections.ts): a client
 * already logging out after its idle time is awaited by closeAllXapiClients (what SIGINT runs),
 * so a host stopped right after its last call leaves no session open.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Simulator } from "../../sim";
import { setConfiguredValues } from "../../provider/runtime/config";
import { closeAllXapiClients, xapiFor } from "../../provider/runtime/connections";
import { credentials, startTestSim } from "../support/sim";
import { stopAfterFile } from "../support/sim-suite";

let sim: Simulator;
beforeAll(async () => {
  sim = stopAfterFile(await startTestSim({ guests: false }, { client: false }));
});
afterAll(() => setConfiguredValues({}));

it("closeAllXapiClients waits for a client whose idle logout is under way, however slow", async () => {
  const { url, username, password } = credentials(sim);
  setConfiguredValues({ xapiUrl: url, xapiUsername: username, xapiPassword: password, sessionIdleMs: "0" });
  const lease = await xapiFor(undefined);
  await lease.client.call("pool.get_all");
  expect(sim.sessionCount()).toBe(1);
  sim.faults.stall("session.logout", 500);
  lease.release();
  // The idle timer (0 ms) starts the logout; shutdown comes while it is stalled.
  await new Promise((resolve) => setTimeout(resolve, 50));
  await closeAllXapiClients();
  expect(sim.sessionCount()).toBe(0);
});
