/**
 * Replays every XAPI call a simulator received (started with `recordCalls: true`) through the
 * strict check of the generated xapi API description: the client under test may never depend on
 * a leniency a real pool lacks.
 */
import { expect } from "vitest";
import { strictCheck, type Simulator } from "../../sim";

/** Asserts that every recorded call passes, and that the recording covers `mustInclude` (method names; an `Async.` call counts for its sync name too). */
export function expectStrictReplay(sim: Simulator, mustInclude: readonly string[]): void {
  const calls = sim.calls();
  const refused = calls.flatMap(({ method, params }) => {
    const failure = strictCheck(method, params);
    return failure ? [`${method}: ${failure.description().join(" ")}`] : [];
  });
  expect(refused).toEqual([]);
  const methods = new Set(calls.flatMap((c) => [c.method, c.method.replace(/^Async\./, "")]));
  expect(mustInclude.filter((m) => !methods.has(m))).toEqual([]);
}
