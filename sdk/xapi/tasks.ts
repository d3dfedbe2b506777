/** Waiting for XAPI tasks: result decoding, errors, cancel on deadline, and always destroy. */
import type { XapiCaller } from "./caller";
import { Wait, type WaitOptions } from "../base/deadline";
import { XapiError, XapiTransportError, XapiWaitError, xapiWaitError } from "./errors";
import { nextBatch } from "./events";
import { normalizeResult } from "./normalize";
import { parseValueXml } from "./wire/xmlrpc";

type TaskRecord = { status?: unknown; result?: unknown; error_info?: unknown };

const CLEANUP_DEADLINE_MS = 10_000;
const CANCEL_SETTLE_MS = 5_000;

/** How a task wait cleans up: which caller ends the task, and how an abandoned wait is reported. */
export interface TaskCleanup {
  /**
   * Makes the `task.cancel`, `event.from` and `task.destroy` calls of the cleanup; it differs from
   * the waiting caller when that one refuses calls once closed but must still end its tasks.
   */
  caller: XapiCaller;
  /** The error to throw when the wait was abandoned; `taskGone` says whether the task was destroyed. */
  explain?: (error: unknown, taskGone: boolean) => unknown;
}

/**
 * Waits for `taskRef` to leave `pending`/`cancelling`, destroys it, and returns its decoded result.
 * On deadline or abort the task is cancelled, then destroyed.
 * @param caller the client
 * @param taskRef the task
 * @param options deadline and signal
 * @param method the synchronous method the task runs (e.g. `VM.clone`), for errors and value conversion
 * @param cleanup who cancels and destroys the task (default: `caller`), and how an abandoned wait is reported
 * @throws XapiError from error_info (`TASK_CANCELLED` when cancelled), XapiWaitError
 */
export async function waitForTask(caller: XapiCaller, taskRef: string, options: WaitOptions, method: string, cleanup: TaskCleanup = { caller }): Promise<unknown> {
  const label = method ? `Async.${method}` : "task";
  const deadline = new Wait(options, `task ${taskRef} of ${label}`, xapiWaitError);
  let record: TaskRecord;
  try {
    record = await finishedRecord(caller, taskRef, deadline);
  } catch (error) {
    const gone = await cancelAndDestroy(cleanup.caller, taskRef);
    throw cleanup.explain ? cleanup.explain(error, gone) : error;
  } finally {
    deadline.done();
  }
  await destroy(cleanup.caller, taskRef);
  return outcomeOf(record, taskRef, label, method);
}

async function finishedRecord(caller: XapiCaller, taskRef: string, deadline: Wait): Promise<TaskRecord> {
  const classes = [`task/${taskRef}`];
  let token = "";
  for (;;) {
    const batch = await nextBatch(caller, classes, token, deadline);
    if (batch === "lost") {
      const record = await readTask(caller, taskRef, deadline);
      if (isFinished(record)) return record;
      token = "";
      continue;
    }
    for (const event of (batch.events ?? []) as { ref?: string; operation?: string; snapshot?: TaskRecord }[]) {
      if (event.ref !== taskRef) continue;
      if (event.operation === "del") throw new XapiError("HANDLE_INVALID", ["task", taskRef], "task (destroyed while awaited)");
      if (event.snapshot && isFinished(event.snapshot)) return event.snapshot;
    }
    token = batch.token ?? token;
  }
}

async function readTask(caller: XapiCaller, taskRef: string, deadline: Wait): Promise<TaskRecord> {
  try {
    return (await caller.callWith({ deadline: deadline.asDeadline(), signal: deadline.signal }, "task.get_record", taskRef)) as TaskRecord;
  } catch (error) {
    throw error instanceof XapiWaitError ? deadline.errorFrom(error) : error;
  }
}

function isFinished(record: TaskRecord): boolean {
  return record.status !== "pending" && record.status !== "cancelling";
}

function outcomeOf(record: TaskRecord, taskRef: string, label: string, method: string): unknown {
  if (record.status === "success") return decodeResult(record.result, taskRef, label, method);
  const info = Array.isArray(record.error_info) ? record.error_info.map(String) : [];
  if (record.status === "cancelled" && info[0] !== "TASK_CANCELLED") throw new XapiError("TASK_CANCELLED", [taskRef], label);
  if (info.length === 0) throw new XapiError("INTERNAL_ERROR", [`task ${taskRef} ended with status ${String(record.status)} and no error_info`], label);
  throw new XapiError(info[0], info.slice(1), label);
}

/** A task's result is an XML-RPC value string, even over JSON-RPC; `""` means no result. */
function decodeResult(result: unknown, taskRef: string, label: string, method: string): unknown {
  if (typeof result !== "string" || result === "") return result ?? "";
  try {
    return normalizeResult(method, parseValueXml(result));
  } catch (cause) {
    throw new XapiTransportError(`task ${taskRef}`, label, `result is not an XML-RPC value: ${(cause as Error).message}`, cause);
  }
}

/**
 * Cancels the task, gives it a moment to reach `cancelled` (XAPI cancels asynchronously, and
 * `task.destroy` of a task still pending only marks it: xapi's GC removes it once it finishes),
 * then destroys it. Failures are ignored (a finished task cannot be cancelled): the wait's own
 * error is what the caller must see.
 * @returns whether task.destroy was accepted (or the task was already gone)
 */
async function cancelAndDestroy(caller: XapiCaller, taskRef: string): Promise<boolean> {
  await caller.callWith({ deadline: CLEANUP_DEADLINE_MS }, "task.cancel", taskRef).catch(() => undefined);
  const settle = new Wait({ deadline: CANCEL_SETTLE_MS }, `cancellation of task ${taskRef}`, xapiWaitError);
  await finishedRecord(caller, taskRef, settle)
    .catch(() => undefined)
    .finally(() => settle.done());
  return destroy(caller, taskRef);
}

/** Destroys the task; returns whether it is gone (HANDLE_INVALID: someone else destroyed it). */
async function destroy(caller: XapiCaller, taskRef: string): Promise<boolean> {
  try {
    await caller.callWith({ deadline: CLEANUP_DEADLINE_MS }, "task.destroy", taskRef);
    return true;
  } catch (error) {
    return error instanceof XapiError && error.xapiCode === "HANDLE_INVALID";
  }
}
