/**
 * Changes a running VM takes without a reboot, as xapi does them: `VM.set_VCPUs_number_live`
 * (hot-plug up to VCPUs_max; xapi records the count in VCPUs_at_startup and VM_metrics.VCPUs_number).
 * Memory within the static range is `VM.set_memory_dynamic_range` (vm-settings.ts, any power state).
 */
import { XapiFailure } from "../model/failure";
import { method, type MethodDef } from "../rpc/method";
import { T } from "../schema";
import { assertPowerState } from "./vm-state";

/** VM.set_VCPUs_number_live. */
export function vmLiveMethods(): MethodDef[] {
  return [
    method({
      name: "VM.set_VCPUs_number_live",
      params: [{ name: "self", type: T.ref("VM") }, { name: "nvcpu", type: T.int }],
      result: T.void,
      handler: ({ core }, ref: string, nvcpu: number) => {
        const vm = core.store.get("VM", ref);
        assertPowerState(ref, vm, ["Running"]);
        if (nvcpu < 1 || nvcpu > vm.VCPUs_max) throw new XapiFailure("INVALID_VALUE", ["VCPU values must satisfy: 0 < VCPUs ≤ VCPUs_max", String(nvcpu)]);
        core.store.update("VM", ref, { VCPUs_at_startup: nvcpu });
        core.store.update("VM_metrics", vm.metrics, { VCPUs_number: nvcpu });
      },
    }),
  ];
}
