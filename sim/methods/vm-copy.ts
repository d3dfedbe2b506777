/**
 * VM.clone, VM.copy and VM.snapshot: a new VM with the same configuration (other_config included,
 * as xapi copies it) and copies of its disks. A snapshot is a template (`is_a_template`,
 * `is_a_snapshot`, `snapshot_of` the source) and may be taken of a running VM.
 */
import { randomUUID } from "node:crypto";
import { randomMac } from "../model/ids";
import type { Store } from "../model/store";
import { xapiDate } from "../model/time";
import { XapiFailure } from "../model/failure";
import { method, type MethodDef } from "../rpc/method";
import { NULL_REF, T } from "../schema";
import { assertSpace, createVbd, createVdi } from "./disks";
import { createVif } from "./nics";
import { vmOperation } from "./vm-operation";

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
 * Clones (copy-on-write) or copies (full, onto `targetSr` or each disk's own SR) a VM; the
 * methods' guards have checked the source's state (xapi's `clone`, `copy`, `snapshot` operations).
 * @returns the new VM ref
 */
export function duplicateVm(store: Store, source: string, newName: string, mode: { full: boolean; targetSr: string; snapshot?: boolean }): string {
  const vm = store.get("VM", source);
  const disks = vm.VBDs.map((vbd: string) => store.get("VBD", vbd));
  if (mode.full) assertCopyFits(store, disks, mode.targetSr);
  // As xapi_vm_clone.ml: a fresh mac_seed; the copy is no default template and not internal.
  const { default_template: _default, xensource_internal: _internal, ...inherited } = vm.other_config;
  const otherConfig = { ...inherited, mac_seed: randomUUID() };
  if (vm.is_a_template && !otherConfig.base_template_name) otherConfig.base_template_name = vm.name_label;
  const snapshotFields = mode.snapshot ? { is_a_template: true, is_a_snapshot: true, snapshot_of: source, snapshot_time: xapiDate() } : {};
  const ref = store.create("VM", { ...vm, ...FRESH_VM_FIELDS, ...snapshotFields, name_label: newName, other_config: otherConfig, metrics: createVmMetrics(store) });
  if (mode.snapshot) store.update("VM", source, { snapshots: [...vm.snapshots, ref] });
  for (const vbd of disks) {
    const vdi = vbd.VDI === NULL_REF || vbd.type !== "Disk" ? vbd.VDI : mode.snapshot ? snapshotVdi(store, vbd.VDI) : duplicateVdi(store, vbd.VDI, mode);
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

/** A snapshot of a disk: copy-on-write, `is_a_snapshot`, `snapshot_of` the source (listed in its `snapshots`). */
function snapshotVdi(store: Store, vdiRef: string): string {
  const vdi = store.get("VDI", vdiRef);
  const ref = createVdi(store, { ...vdi, uuid: undefined, VBDs: [], snapshots: [], is_a_snapshot: true, snapshot_of: vdiRef, snapshot_time: xapiDate(), parent: vdiRef }, true);
  store.update("VDI", vdiRef, { snapshots: [...vdi.snapshots, ref] });
  return ref;
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

/** VM.clone, VM.copy and VM.snapshot. */
export function vmCopyMethods(): MethodDef[] {
  const vm = { name: "vm", type: T.ref("VM") };
  const newName = { name: "new_name", type: T.string };
  return [
    method({
      name: "VM.clone",
      params: [vm, newName],
      result: T.ref("VM"),
      guard: vmOperation("clone"),
      handler: ({ core }, source: string, name: string) => duplicateVm(core.store, source, name, { full: false, targetSr: NULL_REF }),
    }),
    method({
      name: "VM.copy",
      params: [vm, newName, { name: "sr", type: T.ref("SR") }],
      result: T.ref("VM"),
      guard: vmOperation("copy"),
      handler: ({ core }, source: string, name: string, sr: string) => {
        if (sr !== NULL_REF && !core.store.has("SR", sr)) throw new XapiFailure("HANDLE_INVALID", ["SR", sr]);
        return duplicateVm(core.store, source, name, { full: true, targetSr: sr });
      },
    }),
    method({
      name: "VM.snapshot",
      params: [vm, newName, { name: "ignore_vdis", type: T.set(T.ref("VDI")), default: [] }],
      result: T.ref("VM"),
      guard: vmOperation("snapshot"),
      handler: ({ core }, source: string, name: string) => duplicateVm(core.store, source, name, { full: false, targetSr: NULL_REF, snapshot: true }),
    }),
  ];
}
