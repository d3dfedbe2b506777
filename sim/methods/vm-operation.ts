/**
 * xapi's with_vm_operation (ocaml/xapi/xapi_vm_helpers.ml): check the operation, list it in the
 * VM's current_operations under the call's task while it runs, remove it after. A conflicting
 * operation (OTHER_OPERATION_IN_PROGRESS) is retried as xapi's Helpers.retry does: it waits for
 * the VM to change and checks again, and fails only when the wait is over (xapi: 2 hours;
 * here `operationWaitMs`) or its task is cancelled.
 */
import { XapiFailure } from "../model/failure";
import type { CallContext, CallGuard } from "../rpc/method";
import { vmOperationError } from "./vm-lifecycle";

/** The operation a call performs: a fixed name, or one chosen from its arguments (none: no guard). */
export type OperationOf = string | ((args: unknown[]) => string | undefined);

/** Waits until the store changes, the deadline passes or the call is cancelled. */
async function nextChange(ctx: CallContext, deadline: number): Promise<void> {
  // An own timer, not AbortSignal.timeout: Node 20 may collect a timeout signal only AbortSignal.any holds.
  const expiry = new AbortController();
  const timer = setTimeout(() => expiry.abort(), Math.min(Math.max(0, deadline - Date.now()), 2 ** 31 - 1));
  try {
    await ctx.core.store.nextChange(AbortSignal.any([ctx.signal, expiry.signal]));
  } finally {
    clearTimeout(timer);
  }
  if (ctx.signal.aborted) throw new XapiFailure("TASK_CANCELLED", [ctx.task]);
}

/** Checks `op` on the VM (waiting out conflicting operations), then holds it until the release. */
async function acquire(ctx: CallContext, vmRef: string, op: string): Promise<() => void> {
  const store = ctx.core.store;
  const deadline = Date.now() + ctx.core.operationWaitMs;
  for (;;) {
    const failure = vmOperationError(vmRef, store.get("VM", vmRef), op);
    if (!failure) break;
    if (failure.code !== "OTHER_OPERATION_IN_PROGRESS" || Date.now() >= deadline) throw failure;
    await nextChange(ctx, deadline);
  }
  store.update("VM", vmRef, { current_operations: { ...store.get("VM", vmRef).current_operations, [ctx.task]: op } });
  return () => {
    if (!store.has("VM", vmRef)) return;
    const { [ctx.task]: _done, ...others } = store.get("VM", vmRef).current_operations;
    store.update("VM", vmRef, { current_operations: others });
  };
}

/**
 * A guard for a VM method whose VM is argument `vmIndex`.
 * @param operation the vm_operations value the call performs
 */
export function vmOperation(operation: OperationOf, vmIndex = 0): CallGuard {
  return async (ctx, args) => {
    const op = typeof operation === "string" ? operation : operation(args);
    return op === undefined ? undefined : acquire(ctx, args[vmIndex] as string, op);
  };
}
