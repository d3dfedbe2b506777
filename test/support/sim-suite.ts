/** What a vitest file adds around a test simulator (./sim): the leak check and stopping it after the file. */
import { afterAll, expect } from "vitest";
import type { Simulator } from "../../sim";
import { objectCounts, ownedObjects, type TestSim } from "./sim";

/** Asserts no object of `ownedClasses` is ours any more and every counted class is back to its start count. */
export function expectNoLeftovers(env: TestSim, ownedClasses: readonly string[] = ["VM", "VIF", "network"]): void {
  for (const cls of ownedClasses) expect(ownedObjects(env.sim, cls)).toEqual([]);
  expect(objectCounts(env.sim, env.counted)).toEqual(env.baseline);
}

// Registered at import time, i.e. at the test file's top level: an afterAll registered inside a
// beforeAll (where suites start their simulators) would be silently ignored by vitest.
const started: TestSim[] = [];
afterAll(async () => {
  await Promise.all(started.splice(0).map((env) => env.stop()));
});

/** Stops `env` after this test file; returns its simulator. */
export function stopAfterFile(env: TestSim): Simulator {
  started.push(env);
  return env.sim;
}
