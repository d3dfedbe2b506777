/** VM.destroy: removes the VM with its VBDs, VIFs and metrics, but never its VDIs. */
import { method, type MethodDef } from "../rpc/method";
import { T } from "../schema";
import { destroyVbd } from "./disks";
import { dropGuestMetrics } from "./guest-link";
import { destroyVif } from "./nics";
import { vmOperation } from "./vm-operation";

/** VM.destroy. */
export function vmDestroyMethods(): MethodDef[] {
  return [
    method({
      name: "VM.destroy",
      params: [{ name: "self", type: T.ref("VM") }],
      result: T.void,
      guard: vmOperation("destroy"),
      handler: async ({ core }, ref: string) => {
        const store = core.store;
        const vm = store.get("VM", ref);
        await core.guests.stop(vm.uuid);
        for (const vbd of vm.VBDs) destroyVbd(store, vbd);
        for (const vif of vm.VIFs) destroyVif(store, vif);
        for (const console of vm.consoles) store.destroy("console", console);
        dropGuestMetrics(core, ref);
        store.destroy("VM_metrics", vm.metrics);
        if (vm.is_a_snapshot && store.has("VM", vm.snapshot_of)) {
          store.update("VM", vm.snapshot_of, { snapshots: store.get("VM", vm.snapshot_of).snapshots.filter((s: string) => s !== ref) });
        }
        store.destroy("VM", ref);
        await core.guests.destroy(vm.uuid);
      },
    }),
  ];
}
