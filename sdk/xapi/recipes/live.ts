/**
 * Changes a running VM takes without a halt, where xapi allows them: vCPUs up to VCPUs_max
 * (`VM.set_VCPUs_number_live`), memory inside the static range (`VM.set_memory_dynamic_range`);
 * and a reboot on request (`VM.clean_reboot`, `VM.hard_reboot` when the guest lacks the feature
 * or the clean one overruns).
 */
import { Deadline } from "../../base/deadline";
import type { RecipeClient, WaitOptions } from "./client";
import { XapiRecipeError, hasXapiCode, withContext } from "./errors";
import { int, type XapiRecord } from "./records";

/** What a running VM can take live, from its record. */
export interface LiveLimits {
  vcpusMax: number;
  memoryStaticMin: number;
  memoryStaticMax: number;
}

/** The live limits of a VM record. */
export function liveLimitsOf(record: XapiRecord): LiveLimits {
  return { vcpusMax: int(record, "VCPUs_max"), memoryStaticMin: int(record, "memory_static_min"), memoryStaticMax: int(record, "memory_static_max") };
}

/** True when `n` vCPUs can be set on the running VM without a halt. */
export function vcpusFitLive(limits: LiveLimits, n: number): boolean {
  return n >= 1 && n <= limits.vcpusMax;
}

/** True when `bytes` of memory can be set on the running VM without a halt. */
export function memoryFitsLive(limits: LiveLimits, bytes: number): boolean {
  return bytes >= limits.memoryStaticMin && bytes <= limits.memoryStaticMax;
}

/** Hot-plugs or unplugs vCPUs of a running VM (`VM.set_VCPUs_number_live`; xapi records it in VCPUs_at_startup). */
export async function setVcpusLive(client: RecipeClient, vm: string, n: number): Promise<void> {
  await withContext(
    { step: `set vCPUs live: VM.set_VCPUs_number_live(${n})`, object: vm, hint: "the guest must support vCPU hot-plug and n ≤ VCPUs_max; otherwise allow a restart (allowRestart)" },
    () => client.call("VM.set_VCPUs_number_live", vm, n),
  );
}

/** Balloons a running VM to `bytes` (dynamic_min = dynamic_max = bytes, inside the static range). */
export async function setMemoryLive(client: RecipeClient, vm: string, bytes: number): Promise<void> {
  await withContext(
    { step: "set memory live: VM.set_memory_dynamic_range", object: vm, hint: "the size must stay within the VM's static range and the guest needs its balloon driver; otherwise allow a restart (allowRestart)" },
    () => client.call("VM.set_memory_dynamic_range", vm, bytes, bytes),
  );
}

/** How a VM was rebooted. */
export type RebootOutcome = "clean" | "hard";

/**
 * Reboots a running VM: `VM.clean_reboot`, then `VM.hard_reboot` when the guest lacks the
 * feature (no guest tools) or the clean reboot exceeds `cleanTimeoutMs` (its task is cancelled).
 */
export async function rebootVm(client: RecipeClient, vm: string, options: WaitOptions & { cleanTimeoutMs: number }): Promise<RebootOutcome> {
  const deadline = Deadline.from(options.deadline, `VM ${vm} to reboot`);
  try {
    await client.callAsyncWith({ deadline: Math.min(options.cleanTimeoutMs, deadline.remainingMs()), signal: options.signal }, "VM.clean_reboot", vm);
    return "clean";
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const timedOut = (error as { reason?: unknown }).reason === "timeout";
    if (!timedOut && !hasXapiCode(error, "VM_LACKS_FEATURE")) throw new XapiRecipeError({ step: "reboot VM: clean reboot", object: vm, hint: "the VM must be running" }, "failed", error);
  }
  await withContext({ step: "reboot VM: hard reboot", object: vm }, () => client.callAsyncWith({ deadline: Math.max(1, deadline.remainingMs()), signal: options.signal }, "VM.hard_reboot", vm));
  return "hard";
}
