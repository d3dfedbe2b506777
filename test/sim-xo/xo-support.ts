/**
 * Running Xen Orchestra's `xen-api` client against the simulator: starting both and tearing
 * both down so that no session, socket or event loop outlives a suite.
 */
import { afterAll, beforeAll, vi } from "vitest";
import { createClient, type Xapi, type XoClientOptions, type XoRecord } from "xen-api";
import type { Simulator, SimulatorOptions } from "../../sim";
import { startTestSim, type TestSim } from "../support/sim";
import { disconnectAndWake } from "./xo-disconnect";

/** How long a teardown or cache update may take before the test fails. */
export const XO_DEADLINE_MS = 15_000;

/** A simulator that exists between the suite's beforeAll and afterAll. */
export interface SuiteSimulator {
  /** The running simulator (throws outside the suite's lifetime). */
  readonly sim: Simulator;
}

/**
 * Registers, at collection time, a guest-less simulator (XAPI only) started before the suite's
 * tests and stopped after them. (vitest ignores hooks registered from inside another hook, so
 * this must be called in the describe body, not in a beforeAll.)
 */
export function useXoSimulator(options: SimulatorOptions = {}): SuiteSimulator {
  let running: TestSim | undefined;
  beforeAll(async () => {
    running = await startTestSim(options, { pace: "paced", client: false });
  });
  afterAll(() => running?.stop());
  return {
    get sim() {
      if (!running) throw new Error("the suite's simulator is not running (used outside beforeAll…afterAll?)");
      return running.sim;
    },
  };
}

/**
 * Creates an XO client for `url` with the simulator's credentials, as XO does
 * (`createClient({url, auth})`); short debounce/poll delays keep the suite fast.
 */
export function xoClient(sim: Simulator, url: string, options: Partial<XoClientOptions> = {}): Xapi {
  return createClient({ url, auth: { user: sim.username, password: sim.password }, debounce: 20, eventPollDelay: 100, ...options });
}

/**
 * Disconnects `xo` (waking its pending `event.from`, see {@link disconnectAndWake}) and waits
 * until every session it opened is logged out on the simulator.
 */
export async function disconnectXo(sim: Simulator, xo: Xapi): Promise<void> {
  await disconnectAndWake(xo, sim.url, { user: sim.username, password: sim.password });
  await sessionsDrained(sim);
}

/** Waits (bounded by {@link XO_DEADLINE_MS}) until the simulator holds no session. */
export async function sessionsDrained(sim: Simulator): Promise<void> {
  await vi.waitFor(() => {
    if (sim.sessionCount() !== 0) throw new Error(`${sim.sessionCount()} session(s) still open on the simulator`);
  }, { timeout: XO_DEADLINE_MS, interval: 20 });
}

/** The client's cached objects of one XAPI type (`"VM"`, `"SR"`, …). */
export function cachedOf(xo: Xapi, type: string): XoRecord[] {
  return Object.values(xo.objects.all).filter((o) => o.$type === type);
}

/**
 * Resolves once the client's cache entry for `ref` (undefined when absent) satisfies `done`, fed
 * only by the client's own `event.from` loop (its collection's add/update/remove events).
 * Fails after {@link XO_DEADLINE_MS}.
 */
export function cacheReaches(xo: Xapi, ref: string, done: (o: XoRecord | undefined) => boolean, what: string): Promise<XoRecord | undefined> {
  const actions = ["add", "update", "remove"] as const;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new Error(`XO cache: ${what} (${ref}) not seen within ${XO_DEADLINE_MS} ms`))), XO_DEADLINE_MS);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      actions.forEach((action) => xo.objects.off(action, check));
      settle();
    };
    function check(): void {
      const object = xo.getObjectByRef(ref, undefined) as XoRecord | undefined;
      if (done(object)) finish(() => resolve(object));
    }
    actions.forEach((action) => xo.objects.on(action, check));
    check();
  });
}
