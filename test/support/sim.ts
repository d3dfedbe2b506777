/**
 * The pool simulator with a logged-in XAPI client, for suites that drive XAPI directly: start,
 * object-count baseline, and the leak check (nothing of ours left, every count as at the start).
 */
import { expect } from "vitest";
import { XapiClient, type XapiTransportChoice } from "../../sdk/xapi";
import { ownerMarkerKey, ownerTag } from "../../sdk/xapi/recipes";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../sim";

/** A running simulator, a client logged in to it, and the object counts taken at start. */
export interface SimSession {
  sim: Simulator;
  client: XapiClient;
  /** The classes whose counts {@link expectNoLeftovers} compares. */
  counted: readonly string[];
  /** Counts of the `counted` classes right after the start. */
  baseline: Record<string, number>;
  /** Closes the client, then stops the simulator. */
  stop(): Promise<void>;
}

/** How {@link startSimSession} starts and connects. */
export interface SimSessionOptions {
  /** Classes whose counts must be back to the start values at the end. */
  counted: readonly string[];
  /** XAPI transport of the client (default "auto"). */
  transport?: XapiTransportChoice;
}

/**
 * Starts a latency-free simulator with no pool member (`options` may override either) and logs a
 * client in; stops the simulator again if the login fails.
 */
export async function startSimSession(options: SimulatorOptions, session: SimSessionOptions): Promise<SimSession> {
  const sim = await startSimulator({ slaveHost: false, latency: { scale: 0 }, ...options });
  try {
    const client = await XapiClient.connect({
      url: sim.url,
      username: sim.username,
      password: sim.password,
      timeoutMs: 20_000,
      transport: session.transport ?? "auto",
    });
    return {
      sim,
      client,
      counted: session.counted,
      baseline: objectCounts(sim, session.counted),
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

/** The number of objects of each class in `classes`. */
export function objectCounts(sim: Simulator, classes: readonly string[]): Record<string, number> {
  return Object.fromEntries(classes.map((cls) => [cls, sim.objects(cls).length]));
}

/** "class name" of every object of `cls` that carries our owner marker or tag. */
export function ownedObjects(sim: Simulator, cls: string): string[] {
  return sim
    .objects(cls)
    .filter((o) => ownerMarkerKey in (o.record.other_config ?? {}) || (o.record.tags ?? []).includes(ownerTag))
    .map((o) => `${cls} ${o.record.name_label ?? o.ref}`);
}

/** Asserts no object of `ownedClasses` is ours any more and every counted class is back to its start count. */
export function expectNoLeftovers(env: SimSession, ownedClasses: readonly string[] = ["VM", "VIF", "network"]): void {
  for (const cls of ownedClasses) expect(ownedObjects(env.sim, cls)).toEqual([]);
  expect(objectCounts(env.sim, env.counted)).toEqual(env.baseline);
}
