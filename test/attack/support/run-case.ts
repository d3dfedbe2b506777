/**
 * One cell of the fault matrix: bring the stack to the operation's starting point, inject the
 * fault at the chosen call, run the operation, then check what the issue asks after each fault:
 * the error names phase, object, xapi code and what to do; whatever of ours is on the pool is in
 * the engine state (or is an unfinished create the next run resumes); running the operation again
 * converges with no duplicate; sessions and tasks back to where they were.
 */
import { appendFileSync } from "node:fs";
import { ownerMarkerKey, stateMarkerKey } from "../../../sdk/xapi/recipes";
import type { FaultRuleInput } from "../../../sim";
import type { Engine } from "../../support/engine";
import { ownedObjects } from "../../stack/sim-checks";
import type { XcpngSim } from "../../provider/support/xcpng-sim";
import { ATTACK_DATABASE_GC, attackEngine, attackProgram, PHASE_TIMEOUT_S } from "./attack-stack";
import { caseKey, plausibleFailure, type MatrixCase } from "./fault-points";
import { killHostAtFault, sessionsLeftAfterTimeout } from "./host-kill";

/** How the faulted operation ended. */
export type FaultedEnd = "failed" | "absorbed" | "not reached";

/** What one case did; `problems` is empty when every check held. */
export interface CaseOutcome {
  case: MatrixCase;
  end: FaultedEnd;
  /** The faulted operation's error message (when it failed). */
  message?: string;
  /** The serialized state right after the faulted operation (partial states included). */
  stateAfterFault: string;
  /** Sessions open after the converging run (after a kill: once the simulator's session timeout passed), beyond those open before the case. */
  sessionsLeft: number;
  /** Tasks left on the pool after the converging run. */
  tasksLeft: number;
  /** How long the faulted operation took (ms). */
  faultedMs: number;
  problems: string[];
  engine: Engine;
  ms: number;
}

/** A stall that outlasts every phase timeout of the attack stack. */
export const STALL_MS = (PHASE_TIMEOUT_S + 4) * 1000;

/** A case that runs longer is stuck: its engine operations are aborted (program, steps and provider host), and that shows as a problem. */
export const CASE_LIMIT_MS = 420_000;

/** Progress lines to the file ATTACK_TRACE names (vitest holds a test's console output until it ends). */
export function trace(line: string): void {
  if (process.env.ATTACK_TRACE) appendFileSync(process.env.ATTACK_TRACE, `${new Date().toISOString()} ${line}\n`);
}

/**
 * Runs one case against `env` (with `rules` instead of the case's own fault when given); the
 * engine it used is returned with its state destroyed.
 */
export async function runCase(env: XcpngSim, programDir: string, c: MatrixCase, stack: string, rules?: FaultRuleInput[]): Promise<CaseOutcome> {
  const started = Date.now();
  const engine = attackEngine(env, programDir, stack, AbortSignal.timeout(CASE_LIMIT_MS));
  const problems: string[] = [];
  const sessionsBefore = env.sim.sessionCount();
  const shape = c.operation === "create" ? "first" : "changed";
  if (c.operation !== "create") await engine.up(attackProgram(env, "first"));
  const operation = () => (c.operation === "delete" ? engine.destroy() : engine.up(attackProgram(env, shape)));

  const faultsBefore = env.sim.faults.taken;
  for (const rule of rules ?? [faultRule(c)]) env.sim.faults.add(rule);
  let done = false;
  const faultedFrom = Date.now();
  const running = operation().finally(() => (done = true));
  const killed = c.kind === "kill" ? killHostAtFault(env.sim, faultsBefore, () => done) : Promise.resolve(false);
  const result = await running.then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  const faultedMs = Date.now() - faultedFrom;
  trace(`${caseKey(c)}: faulted operation ended after ${faultedMs} ms: ${result?.message ?? "ok"}`);
  await killed;
  env.sim.faults.clear();
  const stateAfterFault = engine.serializedState();
  const reached = env.sim.faults.taken > faultsBefore;
  const end: FaultedEnd = !reached ? "not reached" : result ? "failed" : "absorbed";
  if (result && !reached) problems.push(`failed without the fault: ${result.message}`);
  if (result && c.kind !== "kill") problems.push(...messageProblems(c, result.message));
  problems.push(...untrackedObjects(env, engine, c));

  // Run again: converges, no duplicate.
  try {
    await operation();
  } catch (error) {
    problems.push(`the second run failed: ${(error as Error).message}`);
  }
  problems.push(...convergenceProblems(env, engine, c));
  // A killed host cannot log out (nor destroy a task it waited for): xapi's database GC ends such a session once inactive long enough.
  const sessionsLeft = c.kind === "kill" ? await sessionsLeftAfterTimeout(env.sim, sessionsBefore, ATTACK_DATABASE_GC.inactiveSessionTimeoutMs) : env.sim.sessionCount() - sessionsBefore;
  const tasksLeft = env.sim.objects("task").length;
  if (sessionsLeft > 0) problems.push(`${sessionsLeft} session(s) left open${c.kind === "kill" ? " after the simulator's inactive-session timeout" : ""}`);
  if (tasksLeft > 0 && c.kind !== "kill") problems.push(`${tasksLeft} task(s) left on the pool`);

  try {
    if (engine.state.length > 0) await engine.destroy();
  } catch (error) {
    problems.push(`the final destroy failed: ${(error as Error).message}`);
  }
  const left = ownedObjects(env.sim);
  if (left.length > 0) problems.push(`after destroy, ours left: ${left.join(", ")}`);
  trace(`${caseKey(c)}: ${end}, ${problems.length} problem(s), ${Date.now() - started} ms`);
  return { case: c, end, ...(result ? { message: result.message } : {}), stateAfterFault, sessionsLeft, tasksLeft, faultedMs, problems, engine, ms: Date.now() - started };
}

function faultRule(c: MatrixCase): FaultRuleInput {
  const at = { method: c.method, nth: c.nth };
  switch (c.kind) {
    case "fail":
      return { ...at, kind: "fail" as const, ...plausibleFailure(c.method) };
    case "drop":
      return { ...at, kind: "drop" as const };
    case "stall":
      return { ...at, kind: "stall" as const, ms: STALL_MS };
    case "kill":
      return { ...at, kind: "stall" as const };
    case "cut":
      return { ...at, kind: "cut" as const };
  }
}

/** What the error must say: the phase (method or step), the object, the xapi code (fail) and what to do. */
function messageProblems(c: MatrixCase, message: string): string[] {
  const problems: string[] = [];
  const detail = message.slice(message.indexOf("):") + 2);
  if (!/\b(VM|network|VIF|task|XAPI host|session)\b/.test(detail)) problems.push(`names no object: ${message}`);
  if (!detail.includes(c.method.replace(/^Async\./, "")) && !/\b(creating|create|update|delete|destroy|start|wait|waiting|shut)/i.test(detail)) problems.push(`names no phase: ${message}`);
  if (c.kind === "fail" && !detail.includes(plausibleFailure(c.method).code)) problems.push(`lacks the xapi code ${plausibleFailure(c.method).code}: ${message}`);
  if (!/run (it )?again|retry|re-run|refresh|fix /i.test(detail)) problems.push(`says not what to do: ${message}`);
  return problems;
}

/** Objects of ours on the pool that the engine state does not hold, except an unfinished create the next run resumes. */
function untrackedObjects(env: XcpngSim, engine: Engine, c: MatrixCase): string[] {
  const ids = new Set(engine.state.map((r) => r.id));
  const problems: string[] = [];
  for (const cls of ["VM", "network"] as const) {
    for (const { record } of env.sim.objects(cls)) {
      const owner = record.other_config?.[ownerMarkerKey];
      if (!owner?.startsWith("attack/") || ids.has(String(record.uuid))) continue;
      const resumable = record.other_config?.[stateMarkerKey] === "creating" && c.operation === "create";
      if (!resumable) problems.push(`${cls} ${record.uuid} (${owner}, ${record.other_config?.[stateMarkerKey] ?? "no state"}) is ours but not in the state`);
    }
  }
  return problems;
}

/** After the second run: exactly the declared objects (create/update), or none (delete). */
function convergenceProblems(env: XcpngSim, engine: Engine, c: MatrixCase): string[] {
  const owned = ownedObjects(env.sim);
  const vms = owned.filter((o) => o.startsWith("VM "));
  const networks = owned.filter((o) => o.startsWith("network "));
  if (c.operation === "delete") return owned.length === 0 && engine.state.length === 0 ? [] : [`destroy did not converge: ${owned.join(", ")}; state ${engine.state.length}`];
  const problems: string[] = [];
  if (vms.length !== 1 || networks.length !== 1) problems.push(`not exactly one VM and one network of ours: ${owned.join(", ")}`);
  if (engine.state.length !== 2) problems.push(`state holds ${engine.state.length} resources, not 2`);
  const vm = engine.state.find((r) => r.urn.endsWith("::vm"));
  const expected = c.operation === "create" ? 256 : 384;
  if (vm && vm.outputs.memoryMiB !== expected) problems.push(`VM memory ${String(vm.outputs.memoryMiB)} MiB, not ${expected}`);
  return problems;
}
