/** VM power operations with xapi's power-state rules. */
import type { SimCore } from "../rpc/core";
import { addToSet, removeFromSet } from "../model/links";
import { xapiDate } from "../model/time";
import { method, type MethodDef, type ParamDef } from "../rpc/method";
import { NULL_REF, T } from "../schema";
import { bootGuest, haltGuest } from "./guest-link";
import { cancelTask } from "../rpc/tasks";
import { vmOperation } from "./vm-operation";
import { assertCanStartOn, chooseHost } from "./placement";
import { setVbdAttached } from "./vdi-operations";

const vmParam: ParamDef = { name: "vm", type: T.ref("VM") };
const startPaused: ParamDef = { name: "start_paused", type: T.bool, default: false };
const force: ParamDef = { name: "force", type: T.bool, default: false };

function nextDomid(core: SimCore): number {
  return Math.max(0, ...core.store.all("VM").map((o) => o.record.domid)) + 1;
}

/** Marks the VM's devices attached or detached. */
function setDevicesAttached(core: SimCore, vmRef: string, attached: boolean): void {
  const vm = core.store.get("VM", vmRef);
  for (const vbd of vm.VBDs) setVbdAttached(core.store, vbd, attached);
  for (const vif of vm.VIFs) core.store.update("VIF", vif, { currently_attached: attached });
}

/** Makes the VM a running (or paused) domain on `host` and boots its guest unless paused. */
async function powerOn(core: SimCore, vmRef: string, paused: boolean, host: string): Promise<void> {
  core.store.update("VM", vmRef, { power_state: paused ? "Paused" : "Running", resident_on: host, domid: nextDomid(core) });
  core.store.update("VM_metrics", core.store.get("VM", vmRef).metrics, { start_time: xapiDate(), state: [], last_updated: xapiDate() });
  addToSet(core.store, "host", host, "resident_VMs", vmRef);
  setDevicesAttached(core, vmRef, true);
  if (paused) return;
  try {
    await bootGuest(core, vmRef);
  } catch (error) {
    await powerOff(core, vmRef, "Halted");
    throw error;
  }
}

/** Halts (or suspends) the domain: stops the guest, detaches devices, leaves the host. */
async function powerOff(core: SimCore, vmRef: string, state: "Halted" | "Suspended"): Promise<void> {
  await haltGuest(core, vmRef);
  const vm = core.store.get("VM", vmRef);
  removeFromSet(core.store, "host", vm.resident_on, "resident_VMs", vmRef);
  core.store.update("VM", vmRef, { power_state: state, resident_on: NULL_REF, domid: -1 });
  setDevicesAttached(core, vmRef, false);
}

/** A reboot is a new domain: new domid, the guest boots again and reports again. */
async function reboot(core: SimCore, vmRef: string): Promise<void> {
  await haltGuest(core, vmRef);
  core.store.update("VM", vmRef, { domid: nextDomid(core), power_state: "Running" });
  await bootGuest(core, vmRef);
}

/** Cancels the tasks of the VM's running operations among `ops`, as VM.hard_shutdown does in xapi. */
function cancelOperations(core: SimCore, vmRef: string, ops: string[]): void {
  const current: Record<string, string> = core.store.get("VM", vmRef).current_operations;
  for (const [task, op] of Object.entries(current)) if (ops.includes(op) && core.store.has("task", task) && core.store.get("task", task).status === "pending") cancelTask(core, task);
}

/** Declares a power operation: xapi's checks of the operation of the same name (the guard), then the transition. */
function powerOp(name: string, extra: ParamDef[], transition: (core: SimCore, vmRef: string, args: unknown[]) => Promise<void>): MethodDef {
  return method({
    name: `VM.${name}`,
    params: [vmParam, ...extra],
    result: T.void,
    guard: vmOperation(name),
    handler: ({ core }, vmRef: string, ...args: unknown[]) => transition(core, vmRef, args),
  });
}

/** VM.start, shutdowns, reboots, pause, suspend and their inverses. */
export function vmPowerMethods(): MethodDef[] {
  return [
    powerOp("start", [startPaused, force], (core, vm, [paused]) => powerOn(core, vm, paused as boolean, chooseHost(core, vm))),
    powerOp("start_on", [{ name: "host", type: T.ref("host") }, startPaused, force], (core, vm, [host, paused]) =>
      powerOn(core, vm, paused as boolean, assertCanStartOn(core, vm, host as string)),
    ),
    powerOp("clean_shutdown", [], (core, vm) => powerOff(core, vm, "Halted")),
    powerOp("hard_shutdown", [], async (core, vm) => {
      cancelOperations(core, vm, ["clean_shutdown", "clean_reboot", "hard_reboot", "pool_migrate", "call_plugin", "shutdown", "suspend"]);
      await powerOff(core, vm, "Halted");
    }),
    powerOp("shutdown", [], (core, vm) => powerOff(core, vm, "Halted")),
    powerOp("clean_reboot", [], reboot),
    powerOp("hard_reboot", [], reboot),
    powerOp("pause", [], async (core, vm) => {
      // A paused domain does not answer: its guest is halted until unpause.
      await haltGuest(core, vm);
      core.store.update("VM", vm, { power_state: "Paused" });
    }),
    powerOp("unpause", [], async (core, vm) => {
      core.store.update("VM", vm, { power_state: "Running" });
      await bootGuest(core, vm);
    }),
    powerOp("suspend", [], (core, vm) => powerOff(core, vm, "Suspended")),
    powerOp("resume", [startPaused, force], (core, vm, [paused]) => powerOn(core, vm, paused as boolean, chooseHost(core, vm))),
  ];
}
