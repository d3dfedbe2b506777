/** Shared set-up for the recipe suites: one simulator and one client per file, and leak checks. */
import { expect } from "vitest";
import { XapiClient, type XapiTransportChoice } from "../../sdk/xapi";
import { ownerMarkerKey, ownerTag } from "../../sdk/xapi/recipes";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../sim";

/** A running simulator with a logged-in client. */
export interface RecipeSim {
  sim: Simulator;
  client: XapiClient;
  /** The pool's object counts when the file started, for the leak check. */
  baseline: Record<string, number>;
  /** Ref of an SR by name_label. */
  sr(name: string): string;
  stop(): Promise<void>;
}

/** Classes whose count must be back to the start value when a file ends. */
const COUNTED = ["VM", "VDI", "VBD", "VIF", "network", "VLAN", "PIF"] as const;

/**
 * Starts a fast simulator (no latency, no pool member; fake guests unless `guests` is given) and
 * connects a client (JSON-RPC unless `transport` says otherwise).
 */
export async function startRecipeSim(options: SimulatorOptions = {}, transport: XapiTransportChoice = "auto"): Promise<RecipeSim> {
  const sim = await startSimulator({ guests: false, slaveHost: false, latency: { scale: 0 }, ...options });
  try {
    const client = await XapiClient.connect({ url: sim.url, username: sim.username, password: sim.password, timeoutMs: 20_000, transport });
    const baseline = Object.fromEntries(COUNTED.map((cls) => [cls, sim.objects(cls).length]));
    return {
      sim,
      client,
      baseline,
      sr: (name) => {
        const found = sim.objects("SR").find((o) => o.record.name_label === name);
        if (!found) throw new Error(`test set-up: no SR named ${name}`);
        return found.ref;
      },
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

/** Asserts nothing of ours is left: no marked or tagged object, and every count as at the start. */
export function expectNoLeftovers(env: RecipeSim): void {
  for (const cls of ["VM", "VIF", "network"]) {
    const ours = env.sim
      .objects(cls)
      .filter((o) => ownerMarkerKey in (o.record.other_config ?? {}) || (o.record.tags ?? []).includes(ownerTag));
    expect(ours.map((o) => `${cls} ${o.record.name_label ?? o.ref}`)).toEqual([]);
  }
  const counts = Object.fromEntries(COUNTED.map((cls) => [cls, env.sim.objects(cls).length]));
  expect(counts).toEqual(env.baseline);
}

/** A fresh owner identity per test, so tests cannot see each other's objects. */
export function ownerFor(name: string): string {
  return `test-stack/${name}-${Math.random().toString(36).slice(2, 8)}`;
}
