/**
 * The fault matrix's rows, derived from a recorded run: every XAPI call that the create, the
 * update and the delete of the attack stack made, as "the nth call of method M in that
 * operation"; crossed with four faults. Nothing here is written by hand but the faults.
 */
import type { Engine } from "../../support/engine";
import type { XcpngSim } from "../../provider/support/xcpng-sim";
import { mulberry32 } from "../../support/prng";
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
 * A deterministic sample of `count` cases: the kinds in turn, each at a point drawn with a
 * seeded generator from the operation whose turn it is (create, update, delete in turn).
 */
export function sampleCases(points: readonly FaultPoint[], count: number, seed: number, kinds: readonly FaultKind[] = FAULT_KINDS): MatrixCase[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => {
    const operation = OPERATIONS[i % OPERATIONS.length]!;
    const candidates = points.filter((p) => p.operation === operation);
    return { ...candidates[Math.floor(random() * candidates.length)]!, kind: kinds[i % kinds.length]! };
  });
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
