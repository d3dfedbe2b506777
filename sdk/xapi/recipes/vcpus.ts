/** Setting a VM's vCPU count in an order XAPI accepts (VCPUs_at_startup must stay ≤ VCPUs_max). */
import type { RecipeClient } from "./client";
import { XapiRecipeError, withContext } from "./errors";
import { int, type XapiRecord } from "./records";

/** One XAPI setter call of a vCPU change. */
export interface VcpuStep {
  method: "VM.set_VCPUs_max" | "VM.set_VCPUs_at_startup";
  value: number;
}

/**
 * The setter calls that take a VM from its current vCPU settings to `n` at startup and `n` max:
 * raise max first when growing beyond it, lower at_startup first otherwise. Calls that would not
 * change anything are left out.
 */
export function planVcpuSteps(current: { max: number; atStartup: number }, n: number): VcpuStep[] {
  const setMax: VcpuStep = { method: "VM.set_VCPUs_max", value: n };
  const setStartup: VcpuStep = { method: "VM.set_VCPUs_at_startup", value: n };
  const steps = n > current.max ? [setMax, setStartup] : [setStartup, setMax];
  return steps.filter((s) => (s.method === "VM.set_VCPUs_max" ? current.max : current.atStartup) !== s.value);
}

/**
 * Gives a halted VM `n` vCPUs (VCPUs_max = VCPUs_at_startup = n), calling the setters in an
 * order that never violates at_startup ≤ max.
 */
export async function setVcpus(client: RecipeClient, vm: string, n: number): Promise<void> {
  const step = "set vCPUs";
  if (!Number.isInteger(n) || n < 1) {
    throw new XapiRecipeError({ step, object: vm, hint: "pass a whole number ≥ 1" }, `invalid vCPU count ${n}`);
  }
  const record = (await withContext({ step, object: vm }, () => client.call("VM.get_record", vm))) as XapiRecord;
  const current = { max: int(record, "VCPUs_max"), atStartup: int(record, "VCPUs_at_startup") };
  for (const s of planVcpuSteps(current, n)) {
    await withContext(
      { step: `${step}: ${s.method}(${s.value})`, object: String(record.uuid ?? vm), hint: "vCPUs can only be changed while the VM is halted" },
      () => client.call(s.method, vm, s.value),
    );
  }
}
