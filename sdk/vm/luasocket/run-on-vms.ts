import { setMaxListeners } from "node:events";
import type { LuaVM, VmExecResult } from "../types";
import { linkedSignal } from "../../base/timeout-signal";
import type { LuaProgram } from "./programs";

/** Extra time the interpreter gets past the program's own deadline, so the program reports its failure itself. */
const GRACE_MS = 5_000;

/**
 * Runs a {@link LuaProgram} on a VM and returns its result when it succeeded; a failure (Lua
 * error, timeout) throws with the VM, the program and the end of its stderr.
 */
export async function runLuaProgram(vm: LuaVM, program: LuaProgram, options: { signal?: AbortSignal } = {}): Promise<VmExecResult> {
  const result = await vm.execute(program.code, {
    args: program.args,
    chunkName: program.chunkName,
    deadline: program.timeoutMs + GRACE_MS,
    signal: options.signal,
  });
  if (result.success) return result;
  const why = result.timedOut ? `timed out after ${program.timeoutMs + GRACE_MS} ms` : `exit ${result.exitCode ?? result.signal}`;
  throw new Error(`${program.chunkName} on VM ${vm.id} (${vm.target.description}) failed (${why}): ${result.stderr.trim().slice(-500) || "no stderr"}`);
}

/**
 * Runs programs on several VMs at once and waits for all of them. When one fails, the others
 * are aborted (they would only wait for it until their deadline) and the first failure is thrown.
 */
export async function runTogether(runs: ReadonlyArray<{ vm: LuaVM; program: LuaProgram }>, signal?: AbortSignal): Promise<VmExecResult[]> {
  // Follows the caller's signal without AbortSignal.any, which would stay in a long-lived one.
  const together = linkedSignal([signal]);
  setMaxListeners(0, together.signal); // every run's waits follow it while they last
  let failure: { error: unknown } | undefined;
  const outcomes = await Promise.allSettled(
    runs.map(({ vm, program }) =>
      runLuaProgram(vm, program, { signal: together.signal }).catch((error: unknown) => {
        if (!failure) {
          failure = { error };
          together.abort(error);
        }
        throw error;
      }),
    ),
  ).finally(() => together.clear());
  if (failure) throw failure.error;
  return outcomes.map((o) => (o as PromiseFulfilledResult<VmExecResult>).value);
}
