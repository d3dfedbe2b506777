/** Async calls: task objects that run a call in the background and record its outcome. */
import type { WireValue } from "../../sdk/xapi/wire";
import type { SimCore } from "./core";
import { xapiDate } from "../model/time";
import { asXapiFailure, XapiFailure } from "../model/failure";
import type { MethodDef } from "./method";
import { xmlValueText } from "./to-wire";

/** Cancellation handles of running tasks, by task ref (per simulator core). */
const running = new WeakMap<SimCore, Map<string, AbortController>>();

function runningOf(core: SimCore): Map<string, AbortController> {
  let map = running.get(core);
  if (!map) running.set(core, (map = new Map()));
  return map;
}

/**
 * Creates a pending task for `Async.<def.name>` and runs `work` in the background; the task ends
 * as success (result = XML-RPC value text), failure (error_info) or cancelled.
 * @returns the task ref
 */
export function startTask(core: SimCore, def: MethodDef, work: (signal: AbortSignal) => Promise<WireValue>): string {
  const ref = core.store.create("task", {
    name_label: `Async.${def.name}`,
    status: "pending",
    created: xapiDate(),
    resident_on: core.refs.master,
    other_config: {},
  });
  const controller = new AbortController();
  const onStop = () => controller.abort();
  core.stopSignal.addEventListener("abort", onStop, { once: true });
  runningOf(core).set(ref, controller);
  void work(controller.signal)
    .then(
      (value) => finish(core, ref, { status: "success", result: def.result.kind === "void" ? "" : xmlValueText(value) }),
      (error) => {
        const cancelled = controller.signal.aborted;
        const description = cancelled ? ["TASK_CANCELLED", ref] : asXapiFailure(error).description();
        finish(core, ref, { status: cancelled ? "cancelled" : "failure", error_info: description });
      },
    )
    .finally(() => {
      core.stopSignal.removeEventListener("abort", onStop);
      runningOf(core).delete(ref);
    });
  return ref;
}

function finish(core: SimCore, ref: string, outcome: Record<string, unknown>): void {
  if (!core.store.has("task", ref)) return;
  core.store.update("task", ref, { progress: 1, finished: xapiDate(), ...outcome });
}

/**
 * `task.cancel`: a pending task becomes cancelling, then cancelled.
 * @throws OPERATION_NOT_ALLOWED when the task has already finished
 */
export function cancelTask(core: SimCore, ref: string): void {
  const task = core.store.get("task", ref);
  const controller = runningOf(core).get(ref);
  if (task.status !== "pending" || !controller) throw new XapiFailure("OPERATION_NOT_ALLOWED", [`task ${ref} is ${task.status}, not pending`]);
  core.store.update("task", ref, { status: "cancelling" });
  controller.abort();
}
