/**
 * Setting a VM's memory. Policy: the VM gets exactly `bytes`, without ballooning —
 * static_max = dynamic_max = dynamic_min = bytes; static_min stays as the template set it
 * (the smallest size the guest kernel is known to boot with) unless that exceeds `bytes`, in
 * which case it becomes `bytes` too. That keeps static_min ≤ dynamic_min ≤ dynamic_max ≤ static_max.
 */
import type { RecipeClient } from "./client";
import { XapiRecipeError, withContext } from "./errors";
import { int, str, type XapiRecord } from "./records";

/** The four memory limits, in bytes, in `VM.set_memory_limits` argument order. */
export interface MemoryLimits {
  staticMin: number;
  staticMax: number;
  dynamicMin: number;
  dynamicMax: number;
}

/** Smallest memory size accepted (xapi refuses to boot far below this anyway). */
export const MIN_MEMORY_BYTES = 64 * 1024 * 1024;

/** The limits {@link setMemory} applies, given the VM's current static_min. */
export function planMemoryLimits(currentStaticMin: number, bytes: number): MemoryLimits {
  const staticMin = Number.isFinite(currentStaticMin) && currentStaticMin > 0 ? Math.min(currentStaticMin, bytes) : bytes;
  return { staticMin, staticMax: bytes, dynamicMin: bytes, dynamicMax: bytes };
}

/** Gives a halted VM exactly `bytes` of memory (see the file comment for the policy). */
export async function setMemory(client: RecipeClient, vm: string, bytes: number): Promise<MemoryLimits> {
  const step = "set memory";
  if (!Number.isSafeInteger(bytes) || bytes < MIN_MEMORY_BYTES) {
    throw new XapiRecipeError(
      { step, object: vm, hint: `pass a whole number of bytes ≥ ${MIN_MEMORY_BYTES} (64 MiB)` },
      `invalid memory size ${bytes}`,
    );
  }
  const record = (await withContext({ step, object: vm }, () => client.call("VM.get_record", vm))) as XapiRecord;
  const limits = planMemoryLimits(int(record, "memory_static_min"), bytes);
  await withContext(
    { step: "set memory: VM.set_memory_limits", object: str(record, "uuid") || vm, hint: "memory can only be changed while the VM is halted" },
    () => client.call("VM.set_memory_limits", vm, limits.staticMin, limits.staticMax, limits.dynamicMin, limits.dynamicMax),
  );
  return limits;
}
