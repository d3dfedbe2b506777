/** VM.clone and VM.copy: a new VM with the same configuration and copies of its disks. */
import { randomUUID } from "node:crypto";
import { randomMac } from "../model/ids";
import type { Store } from "../model/store";
import { xapiDate } from "../model/time";
import { XapiFailure } from "../model/failure";
import { method, type MethodDef } from "../rpc/method";
import { NULL_REF, T } from "../schema";
import { assertSpace, createVbd, createVdi } from "./disks";
import { createVif } from "./nics";
import { assertPowerState } from "./vm-state";

/** Fields a new VM does not inherit from its source. */
const FRESH_VM_FIELDS = {
  uuid: undefined,
  allowed_operations: [],
  current_operations: {},
  power_state: "Halted",
  is_default_template: false,
  resident_on: NULL_REF,
  scheduled_to_be_resident_on: NULL_REF,
  consoles: [],
  VIFs: [],
  VBDs: [],
  guest_metrics: NULL_REF,
  domid: -1,
  snapshots: [],
  children: [],
  is_a_snapshot: false,
  snapshot_of: NULL_REF,
};

/** Creates the metrics object every VM has. */
export function createVmMetrics(store: Store): string {
  return store.create("VM_metrics", { install_time: xapiDate(), last_updated: xapiDate(), current_domain_type: "unspecified" });
}

/**
 * Clones (copy-on-write) or copies (full, onto `targetSr` or each disk's own SR) a halted VM.
 * @returns the new VM ref
 */
export function duplicateVm(store: Store, source: string, newName: string, mode: { full: boolean; targetSr: string }): string {
  const vm = store.get("VM", source);
  assertPowerState(source, vm, ["Halted"]);
  const disks = vm.VBDs.map((vbd: string) => store.get("VBD", vbd));
  if (mode.full) assertCopyFits(store, disks, mode.targetSr);
  const otherConfig = { ...vm.other_config, mac_seed: randomUUID() };
  if (vm.is_a_template && !otherConfig.base_template_name) otherConfig.base_template_name = vm.name_label;
  const ref = store.create("VM", { ...vm, ...FRESH_VM_FIELDS, name_label: newName, other_config: otherConfig, metrics: createVmMetrics(store) });
  for (const vbd of disks) {
    const vdi = vbd.VDI === NULL_REF || vbd.type !== "Disk" ? vbd.VDI : duplicateVdi(store, vbd.VDI, mode);
    createVbd(store, { ...vbd, uuid: undefined, VM: ref, VDI: vdi, currently_attached: false, metrics: NULL_REF });
  }
  for (const vifRef of vm.VIFs) {
    const vif = store.get("VIF", vifRef);
    createVif(store, { ...vif, uuid: undefined, VM: ref, MAC: randomMac(), currently_attached: false, metrics: NULL_REF });
  }
  return ref;
}

function duplicateVdi(store: Store, vdiRef: string, mode: { full: boolean; targetSr: string }): string {
  const vdi = store.get("VDI", vdiRef);
  const sr = mode.full && mode.targetSr !== NULL_REF ? mode.targetSr : vdi.SR;
  return createVdi(
    store,
    { ...vdi, uuid: undefined, SR: sr, VBDs: [], snapshots: [], is_a_snapshot: false, snapshot_of: NULL_REF, parent: mode.full ? NULL_REF : vdiRef },
    !mode.full,
  );
}

/** A full copy allocates every disk: check all SRs before creating anything. */
function assertCopyFits(store: Store, vbds: Array<Record<string, any>>, targetSr: string): void {
  const needed = new Map<string, number>();
  for (const vbd of vbds) {
    if (vbd.VDI === NULL_REF || vbd.type !== "Disk") continue;
    const vdi = store.get("VDI", vbd.VDI);
    const sr = targetSr !== NULL_REF ? targetSr : vdi.SR;
    needed.set(sr, (needed.get(sr) ?? 0) + vdi.virtual_size);
  }
  for (const [sr, bytes] of needed) assertSpace(store, sr, bytes);
}

/** VM.clone and VM.copy. */
export function vmCopyMethods(): MethodDef[] {
  const vm = { name: "vm", type: T.ref("VM") };
  const newName = { name: "new_name", type: T.string };
  return [
    method({
      name: "VM.clone",
      params: [vm, newName],
      result: T.ref("VM"),
      handler: ({ core }, source: string, name: string) => duplicateVm(core.store, source, name, { full: false, targetSr: NULL_REF }),
    }),
    method({
      name: "VM.copy",
      params: [vm, newName, { name: "sr", type: T.ref("SR") }],
      result: T.ref("VM"),
      handler: ({ core }, source: string, name: string, sr: string) => {
        if (sr !== NULL_REF && !core.store.has("SR", sr)) throw new XapiFailure("HANDLE_INVALID", ["SR", sr]);
        return duplicateVm(core.store, source, name, { full: true, targetSr: sr });
      },
    }),
  ];
}
