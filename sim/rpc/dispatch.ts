/** Runs one XAPI call: finds the method, checks the parameters and the session, applies latency and faults. */
import type { WireValue } from "../../sdk/xapi/wire";
import type { SimCore } from "./core";
import { faultError } from "../ops/faults";
import { sleep } from "../ops/sleep";
import { XapiFailure } from "../model/failure";
import { fromWire } from "./from-wire";
import type { CallContext, MethodDef } from "./method";
import { startTask } from "./tasks";
import { toWire } from "./to-wire";

const ASYNC = "Async.";

/**
 * Executes `name(params…)` and returns its wire value, or throws an XapiFailure.
 * `Async.<Class>.<method>` returns a task ref at once and runs the call in the background.
 */
export async function dispatch(core: SimCore, name: string, params: readonly unknown[]): Promise<WireValue> {
  const isAsync = name.startsWith(ASYNC);
  const base = isAsync ? name.slice(ASYNC.length) : name;
  const def = core.methods.get(base);
  if (!def || (isAsync && (def.syncOnly || def.session === false))) throw new XapiFailure("MESSAGE_METHOD_UNKNOWN", [name]);
  checkCount(def, name, params);
  const session = def.session === false ? "" : checkSession(core, params[0]);
  const args = decodeArgs(def, params.slice(def.session === false ? 0 : 1));
  if (isAsync) return startTask(core, def, (signal) => execute(core, def, session, args, signal));
  return execute(core, def, session, args, core.stopSignal);
}

async function execute(core: SimCore, def: MethodDef, session: string, args: unknown[], signal: AbortSignal): Promise<WireValue> {
  await sleep(core.latency.delayFor(def.name), signal);
  if (signal.aborted) throw new XapiFailure("TASK_CANCELLED", []);
  const fault = core.faults.take(def.name, "execution");
  if (fault?.kind === "fail") throw faultError(fault);
  const ctx: CallContext = { core, session, method: def.name, signal };
  const value = await def.handler(ctx, ...args);
  return toWire(def.result, value);
}

function checkCount(def: MethodDef, name: string, params: readonly unknown[]): void {
  const sessionCount = def.session === false ? 0 : 1;
  const expected = def.params.length + sessionCount;
  const required = def.params.filter((p) => !("default" in p)).length + sessionCount;
  if (params.length < required || params.length > expected) {
    throw new XapiFailure("MESSAGE_PARAMETER_COUNT_MISMATCH", [name, expected, params.length]);
  }
}

function checkSession(core: SimCore, ref: unknown): string {
  if (typeof ref !== "string" || !core.store.has("session", ref)) throw new XapiFailure("SESSION_INVALID", [String(ref)]);
  return ref;
}

function decodeArgs(def: MethodDef, given: readonly unknown[]): unknown[] {
  return def.params.map((param, i) => (i < given.length ? fromWire(param.type, given[i], param.name) : structuredClone(param.default)));
}
