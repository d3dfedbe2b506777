/** Shared set-up for the recipe suites: one simulator and one client per file, and leak checks. */
import { afterAll, beforeAll } from "vitest";
import type { XapiTransportChoice } from "../../sdk/xapi";
import type { SimulatorOptions } from "../../sim";
import { startTestSim, type TestSim } from "../support/sim";
import { expectNoLeftovers } from "../support/sim-suite";

/** A running simulator with a logged-in client. */
export interface RecipeSim extends TestSim {
  /** Ref of an SR by name_label. */
  sr(name: string): string;
}

/** What a recipe test uses of its file's simulator (the hooks own start, stop and the leak check). */
export type RecipeEnv = Pick<RecipeSim, "sim" | "client" | "sr">;

/** How {@link useRecipeSim} starts the file's simulator. */
export interface RecipeSimSetup {
  /** Simulator options on top of the fast defaults of {@link startRecipeSim}. */
  options?: SimulatorOptions;
  /** XAPI transport of the client (default "auto": JSON-RPC). */
  transport?: XapiTransportChoice;
  /** Runs after the simulator stopped (or failed to start), e.g. to dispose a guest layer. */
  afterStop?: () => Promise<void>;
}

/** Classes whose count must be back to the start value when a file ends. */
const COUNTED = ["VM", "VDI", "VBD", "VIF", "network", "VLAN", "PIF"] as const;

/**
 * Starts a fast simulator (no latency, no pool member; fake guests unless `guests` is given) and
 * connects a client (JSON-RPC unless `transport` says otherwise).
 */
async function startRecipeSim(options: SimulatorOptions = {}, transport: XapiTransportChoice = "auto"): Promise<RecipeSim> {
  const session = await startTestSim({ guests: false, ...options }, { counted: COUNTED, transport });
  return {
    ...session,
    sr: (name) => {
      const found = session.sim.objects("SR").find((o) => o.record.name_label === name);
      if (!found) throw new Error(`test set-up: no SR named ${name}`);
      return found.ref;
    },
  };
}

/**
 * Registers this file's hooks (call it at file level): `beforeAll` starts the simulator,
 * `afterAll` checks for leftovers, then stops it and runs `afterStop`. Returns a handle whose
 * members reach the running simulator once `beforeAll` has run.
 */
export function useRecipeSim(setup: RecipeSimSetup = {}): RecipeEnv {
  let current: RecipeSim | undefined;
  const running = (): RecipeSim => {
    if (!current) throw new Error("test set-up: the recipe simulator is not running (beforeAll failed or has not run yet)");
    return current;
  };
  beforeAll(async () => {
    current = await startRecipeSim(setup.options, setup.transport);
  });
  afterAll(async () => {
    try {
      if (current) await checkThenStop(current);
    } finally {
      await setup.afterStop?.();
    }
  });
  return {
    get sim() {
      return running().sim;
    },
    get client() {
      return running().client;
    },
    sr: (name) => running().sr(name),
  };
}

async function checkThenStop(env: RecipeSim): Promise<void> {
  try {
    expectNoLeftovers(env);
  } finally {
    await env.stop();
  }
}

/** A fresh owner identity per test, so tests cannot see each other's objects. */
export function ownerFor(name: string): string {
  return `test-stack/${name}-${Math.random().toString(36).slice(2, 8)}`;
}
