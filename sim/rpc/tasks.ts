/** Async calls: task objects that run a call in the background and record its outcome. */
import type { WireValue } from "../../sdk/xapi/wire";
import type { SimCore } from "./core";
import { xapiDate } from "../model/time";
import { asXapiFailure, XapiFailure } from "../model/failure";
import { addToSet, removeFromSet } from "../model/links";
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
 * Creates a task record owned by `session` (listed in its `tasks` field, as xapi's task.session /
 * session.tasks pair does). The task outlives a logout of its session: xapi's database GC removes
 * finished tasks only ~65 min later (db_gc_util.ml, timeout_tasks), the simulator never does.
 */
export function createTask(core: Pick<SimCore, "store" | "refs">, session: string, fields: Record<string, unknown>): string {
  const ref = core.store.create("task", { status: "pending", created: xapiDate(), resident_on: core.refs.master, other_config: {}, ...fields });
  addToSet(core.store, "session", session, "tasks", ref);
  return ref;
}

/** Whether a task status is final (xapi's TaskHelper.status_is_completed): not pending, not cancelling. */
export function isTaskFinished(status: string): boolean {
  return status !== "pending" && status !== "cancelling";
}

/**
 * `task.destroy`: a finished task goes at once; an unfinished one is marked (current_operations
 * `task → destroy`, as xapi_task.ml does) and the database GC destroys it once it finishes.
 */
export function destroyTaskWhenFinished(core: SimCore, ref: string): void {
  const task = core.store.get("task", ref);
  if (isTaskFinished(task.status)) destroyTask(core, ref);
  else core.store.update("task", ref, { current_operations: { ...task.current_operations, task: "destroy" } });
}

/** The GC's part for tasks (db_gc_util.ml timeout_tasks): finished tasks marked by task.destroy go. */
export function destroyMarkedTasks(core: SimCore): void {
  for (const { ref, record } of core.store.all("task")) {
    if (isTaskFinished(record.status) && Object.values(record.current_operations).includes("destroy")) destroyTask(core, ref);
  }
}

/** Destroys a task record and takes it out of its session's `tasks`. */
export function destroyTask(core: Pick<SimCore, "store">, ref: string): void {
  core.store.destroy("task", ref);
  for (const owner of core.store.all("session")) removeFromSet(core.store, "session", owner.ref, "tasks", ref);
}

/** A pending task record named `label` of `session`, cancellable through task.cancel until `done` runs. */
function openTask(core: SimCore, session: string, label: string): { ref: string; signal: AbortSignal; cancelled: () => boolean; done: () => void } {
  const ref = createTask(core, session, { name_label: label });
  const controller = new AbortController();
  const onStop = () => controller.abort();
  core.stopSignal.addEventListener("abort", onStop, { once: true });
  runningOf(core).set(ref, controller);
  const done = () => {
    core.stopSignal.removeEventListener("abort", onStop);
    runningOf(core).delete(ref);
  };
  return { ref, signal: controller.signal, cancelled: () => controller.signal.aborted, done };
}

/**
 * Creates a pending task for `Async.<def.name>` and runs `work` in the background; the task ends
 * as success (result = XML-RPC value text), failure (error_info) or cancelled.
 * @returns the task ref
 */
export function startTask(core: SimCore, session: string, def: MethodDef, work: (signal: AbortSignal, task: string) => Promise<WireValue>): string {
  const task = openTask(core, session, `Async.${def.name}`);
  void work(task.signal, task.ref)
    .then(
      (value) => finish(core, task.ref, { status: "success", result: def.result.kind === "void" ? "" : xmlValueText(value) }),
      (error) => {
        const description = task.cancelled() ? ["TASK_CANCELLED", task.ref] : asXapiFailure(error).description();
        finish(core, task.ref, { status: task.cancelled() ? "cancelled" : "failure", error_info: description });
      },
    )
    .finally(task.done);
  return task.ref;
}

/**
 * Runs a sync call under a task of its own, destroyed when the call returns: xapi gives sync calls
 * of async-capable messages a task in its database (Context.of_http_req), which VM operations
 * name in current_operations.
 */
export async function runSyncTask(core: SimCore, session: string, def: MethodDef, work: (signal: AbortSignal, task: string) => Promise<WireValue>): Promise<WireValue> {
  const task = openTask(core, session, def.name);
  try {
    return await work(task.signal, task.ref);
  } catch (error) {
    throw task.cancelled() && !core.stopSignal.aborted ? new XapiFailure("TASK_CANCELLED", [task.ref]) : error;
  } finally {
    task.done();
    destroyTask(core, task.ref);
  }
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
