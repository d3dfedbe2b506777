/** Starting and shutting down VMs, with deadlines; clean shutdown falls back to hard shutdown. */
import { Deadline } from "../../base/deadline";
import type { RecipeClient, WaitOptions, XapiCallOptions } from "./client";
import { XapiRecipeError, hasXapiCode, withContext } from "./errors";

/**
 * The power state of the VM with uuid `vmUuid`, in lower case ("running", "halted", "suspended",
 * "paused"). @throws the XAPI error (`isGone` when there is no such VM)
 */
export async function readPowerStateByUuid(client: RecipeClient, vmUuid: string, options: XapiCallOptions = {}): Promise<string> {
  const ref = (await client.callWith(options, "VM.get_by_uuid", vmUuid)) as string;
  return String(await client.callWith(options, "VM.get_power_state", ref)).toLowerCase();
}

/** Starts a halted VM (`Async.VM.start(vm, false, false)`) and waits until the task ends. */
export async function startVm(client: RecipeClient, vm: string, wait: WaitOptions): Promise<void> {
  await withContext(
    { step: "start VM", object: vm, hint: "check the VM is halted and the host has enough free memory" },
    () => client.callAsyncWith(wait, "VM.start", vm, false, false),
  );
}

/** Options for {@link shutdownVm}; `deadline` covers the clean attempt and the hard fallback. */
export interface ShutdownOptions extends WaitOptions {
  /** How long a clean shutdown may take before a hard shutdown is used instead. */
  cleanTimeoutMs: number;
}

/** How a VM ended up halted. */
export type ShutdownOutcome = "already-halted" | "clean" | "hard";

/**
 * Brings a VM to Halted. Running: clean shutdown, or hard shutdown when the guest lacks the
 * feature (no guest tools: VM_LACKS_FEATURE) or the clean shutdown exceeds `cleanTimeoutMs`
 * (its task is cancelled first). Paused or Suspended: hard shutdown. Halted: nothing.
 */
export async function shutdownVm(client: RecipeClient, vm: string, options: ShutdownOptions): Promise<ShutdownOutcome> {
  const step = "shut down VM";
  const deadline = Deadline.from(options.deadline, `VM ${vm} to shut down`);
  const powerState = async () => String(await withContext({ step, object: vm }, () => client.call("VM.get_power_state", vm)));
  const initial = await powerState();
  if (initial === "Halted") return "already-halted";
  if (initial === "Running") {
    try {
      const cleanMs = Math.min(options.cleanTimeoutMs, deadline.remainingMs());
      await client.callAsyncWith({ deadline: cleanMs, signal: options.signal }, "VM.clean_shutdown", vm);
      return "clean";
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const timedOut = (error as { reason?: unknown }).reason === "timeout";
      if (!timedOut && !hasXapiCode(error, "VM_LACKS_FEATURE") && !hasXapiCode(error, "VM_BAD_POWER_STATE")) {
        throw new XapiRecipeError({ step: `${step}: clean shutdown`, object: vm }, "failed", error);
      }
    }
    if ((await powerState()) === "Halted") return "clean";
  }
  try {
    await client.callAsyncWith({ deadline: Math.max(1, deadline.remainingMs()), signal: options.signal }, "VM.hard_shutdown", vm);
  } catch (error) {
    if (hasXapiCode(error, "VM_BAD_POWER_STATE") && (await powerState()) === "Halted") return "hard";
    if (options.signal?.aborted) throw error;
    throw new XapiRecipeError({ step: `${step}: hard shutdown`, object: vm }, "failed", error);
  }
  return "hard";
}
