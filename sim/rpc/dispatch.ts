/**
 * Runs one XAPI call the way xapi's generated server does (ocaml/idl/ocaml_backend/gen_server.ml,
 * ocaml/xapi/server_helpers.ml), every check from the generated API description:
 * name → arity → unmarshalling of each parameter (not for removed ones) → session → removed →
 * async form → the method.
 */
import type { WireValue } from "../../sdk/xapi/wire";
import type { SimCore } from "./core";
import { faultError } from "../ops/faults";
import { sleep } from "../ops/sleep";
import { XapiFailure } from "../model/failure";
import { messageByWireName, type FoundMessage } from "../api/description";
import { checkArity, checkAsync, checkTypes, splitAsync } from "./params-check";
import { fromWire } from "./from-wire";
import type { CallContext, MethodDef } from "./method";
import { runSyncTask, startTask } from "./tasks";
import { toWire } from "./to-wire";
import { touchSession } from "./session-timeout";

/**
 * Executes `name(params…)` and returns its wire value, or throws an XapiFailure.
 * `Async.<Class>.<method>` returns a task ref at once and runs the call in the background.
 */
export async function dispatch(core: SimCore, name: string, params: readonly unknown[]): Promise<WireValue> {
  const { isAsync, base } = splitAsync(name);
  const found = messageByWireName(base);
  if (!found) return unlisted(core, base, params);
  checkArity(found, params);
  if (found.def.lifecycle !== "removed") checkTypes(found, params);
  const session = found.def.session ? checkSession(core, params[0]) : "";
  if (found.def.lifecycle === "removed") throw new XapiFailure("MESSAGE_REMOVED", []);
  checkAsync(found, isAsync);
  const def = core.methods.get(found.wireName);
  if (!def) throw new XapiFailure("NOT_IMPLEMENTED", [found.wireName]);
  const args = decodeArgs(def, found, params.slice(found.def.session ? 1 : 0));
  const run = (signal: AbortSignal, task: string) => execute(core, def, session, args, signal, task);
  if (isAsync) {
    // A fail rule naming `Async.<method>` refuses the call itself, before any task (as xapi's TOO_MANY_PENDING_TASKS does).
    const refusal = core.faults.take(name, "submission");
    if (refusal?.kind === "fail") throw faultError(refusal);
    return startTask(core, session, def, run);
  }
  return def.guard ? runSyncTask(core, session, def, run) : run(core.stopSignal, "");
}

/**
 * A name the description does not have: `system.listMethods`, or unknown. xapi checks the session
 * of an unknown call first (it tries it as a host extension) and then answers MESSAGE_METHOD_UNKNOWN.
 */
async function unlisted(core: SimCore, name: string, params: readonly unknown[]): Promise<WireValue> {
  const def = core.methods.get(name);
  if (def && def.session === false) return execute(core, def, "", [], core.stopSignal, "");
  if (params.length > 0) checkSession(core, params[0]);
  throw new XapiFailure("MESSAGE_METHOD_UNKNOWN", [name]);
}

/** The call itself: its guard (held across latency and handler), latency, injected faults, handler. */
async function execute(core: SimCore, def: MethodDef, session: string, args: unknown[], signal: AbortSignal, task: string): Promise<WireValue> {
  const ctx: CallContext = { core, session, method: def.name, signal, task };
  const release = await def.guard?.(ctx, args);
  try {
    await sleep(core.latency.delayFor(def.name), signal);
    if (signal.aborted) throw new XapiFailure("TASK_CANCELLED", []);
    const fault = core.faults.take(def.name, "execution");
    if (fault?.kind === "fail") throw faultError(fault);
    const value = await def.handler(ctx, ...args);
    return toWire(def.result, value);
  } finally {
    release?.();
  }
}

/** xapi's Session_check.check: an unknown (logged out, expired) session is SESSION_INVALID; a known one is active now. */
function checkSession(core: SimCore, ref: unknown): string {
  if (typeof ref !== "string" || !core.store.has("session", ref)) throw new XapiFailure("SESSION_INVALID", [String(ref)]);
  touchSession(core, ref);
  return ref;
}

/** The handler's arguments: given ones converted, left-out trailing ones from the description's defaults. */
function decodeArgs(def: MethodDef, found: FoundMessage, given: readonly unknown[]): unknown[] {
  return def.params.map((param, i) =>
    i < given.length ? fromWire(param.type, given[i], param.name) : structuredClone(found.def.params[i]?.default ?? param.default),
  );
}
