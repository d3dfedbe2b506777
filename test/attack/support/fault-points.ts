/**
 * The fault matrix's rows, derived from a recorded run: every XAPI call that the create, the
 * update and the delete of the attack stack made, as "the nth call of method M in that
 * operation"; crossed with four faults. Nothing here is written by hand but the faults.
 */
import { createHash } from "node:crypto";
import type { Engine } from "../../support/engine";
import type { XcpngSim } from "../../provider/support/xcpng-sim";
import { attackProgram } from "./attack-stack";

/** The resource operations whose XAPI calls are attacked. */
export const OPERATIONS = ["create", "update", "delete"] as const;
export type ResourceOperation = (typeof OPERATIONS)[number];

/** The faults injected at each call. */
export const FAULT_KINDS = ["fail", "drop", "stall", "kill"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One XAPI call of one operation: the nth call (1-based) of `method` in it. */
export interface FaultPoint {
  operation: ResourceOperation;
  method: string;
  nth: number;
}

/** One cell of the matrix; `cut` (the answer cut off mid-body) is a connection fault outside the matrix. */
export interface MatrixCase extends FaultPoint {
  kind: FaultKind | "cut";
}

/** The XAPI methods (in order) each operation called, recorded from a real run. */
export type RecordedOperations = Record<ResourceOperation, string[]>;

/** Runs `operation` through the engine and returns the XAPI methods the simulator received meanwhile. */
export async function recordCalls(env: XcpngSim, operation: () => Promise<unknown>): Promise<string[]> {
  const from = env.sim.calls().length;
  await operation();
  return env.sim.calls().slice(from).map((c) => c.method);
}

/** Records create (up), update (up with the changed shape) and delete (destroy) of the attack stack. */
export async function recordOperations(env: XcpngSim, engine: Engine): Promise<RecordedOperations> {
  return {
    create: await recordCalls(env, () => engine.up(attackProgram(env, "first"))),
    update: await recordCalls(env, () => engine.up(attackProgram(env, "changed"))),
    delete: await recordCalls(env, () => engine.destroy()),
  };
}

/** Every recorded call as a fault point. */
export function faultPoints(recorded: RecordedOperations): FaultPoint[] {
  return OPERATIONS.flatMap((operation) => {
    const seen = new Map<string, number>();
    return recorded[operation].map((method) => {
      const nth = (seen.get(method) ?? 0) + 1;
      seen.set(method, nth);
      return { operation, method, nth };
    });
  });
}

/** The whole matrix: every point × every fault kind. */
export function matrixCases(points: readonly FaultPoint[]): MatrixCase[] {
  return points.flatMap((point) => FAULT_KINDS.map((kind) => ({ ...point, kind })));
}

/**
 * Calls whose number changes from run to run (event.from returns whenever the objects it watches
 * change, so a slower or faster run makes a few more or fewer): never sampled.
 */
export const VOLATILE_METHODS: ReadonlySet<string> = new Set(["event.from"]);

/** The stable name of a case: "<operation> <method>#<nth> <kind>". */
export function caseKey(c: MatrixCase): string {
  return `${c.operation} ${c.method}#${c.nth} ${c.kind}`;
}

/**
 * A deterministic sample of `count` cases: the kinds in turn, from the operations in turn
 * (create, update, delete). Each slot takes, of its operation's non-volatile points, the case
 * whose key hashed with the seed and the slot is lowest, skipping cases already taken: a pick
 * depends on the seed and on which cases exist, never on the list's order or length, so a
 * recorded run with a few more or fewer event.from calls samples the same cases.
 */
export function sampleCases(points: readonly FaultPoint[], count: number, seed: number, kinds: readonly FaultKind[] = FAULT_KINDS): MatrixCase[] {
  const picked: MatrixCase[] = [];
  const taken = new Set<string>();
  for (let slot = 0; slot < count; slot += 1) {
    const operation = OPERATIONS[slot % OPERATIONS.length]!;
    const kind = kinds[slot % kinds.length]!;
    const candidates = points
      .filter((p) => p.operation === operation && !VOLATILE_METHODS.has(p.method))
      .map((p) => ({ ...p, kind }))
      .filter((c) => !taken.has(caseKey(c)));
    const best = minBy(candidates, (c) => rank(seed, slot, caseKey(c)));
    if (!best) continue;
    picked.push(best);
    taken.add(caseKey(best));
  }
  return picked;
}

/** A case's place in a slot's order: the first 48 bits of SHA-256(seed, slot, key). */
function rank(seed: number, slot: number, key: string): number {
  return parseInt(createHash("sha256").update(`${seed}\n${slot}\n${key}`).digest("hex").slice(0, 12), 16);
}

function minBy<T>(items: readonly T[], score: (item: T) => number): T | undefined {
  let best: { item: T; score: number } | undefined;
  for (const item of items) {
    const value = score(item);
    if (!best || value < best.score) best = { item, score: value };
  }
  return best?.item;
}

/** A failure XAPI could plausibly answer `method` with. */
export function plausibleFailure(method: string): { code: string; params: string[] } {
  const name = method.slice(method.lastIndexOf(".") + 1);
  if (method === "session.login_with_password") return { code: "SESSION_AUTHENTICATION_FAILED", params: ["root", "Authentication failure"] };
  if (method === "event.from") return { code: "EVENTS_LOST", params: [] };
  if (name === "clone") return { code: "SR_FULL", params: ["4294967296", "0"] };
  if (name === "start") return { code: "HOST_NOT_ENOUGH_FREE_MEMORY", params: ["268435456", "0"] };
  if (name === "plug" || name === "unplug") return { code: "DEVICE_DETACH_REJECTED", params: ["VIF", "injected", ""] };
  if (name.startsWith("get_") || name === "listMethods") return { code: "INTERNAL_ERROR", params: ["injected read failure"] };
  return { code: "OPERATION_NOT_ALLOWED", params: ["injected"] };
}
