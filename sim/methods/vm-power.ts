/** VM power operations with xapi's power-state rules. */
import type { SimCore } from "../rpc/core";
import { addToSet, removeFromSet } from "../model/links";
import { xapiDate } from "../model/time";
import { XapiFailure } from "../model/failure";
import { method, type MethodDef, type ParamDef } from "../rpc/method";
import { NULL_REF, T } from "../schema";
import { bootGuest, haltGuest } from "./guest-link";
import { assertNotControlDomain, assertNotTemplate, assertPowerState, hasGuestTools } from "./vm-state";

const vmParam: ParamDef = { name: "vm", type: T.ref("VM") };
const startPaused: ParamDef = { name: "start_paused", type: T.bool, default: false };
const force: ParamDef = { name: "force", type: T.bool, default: false };

function nextDomid(core: SimCore): number {
  return Math.max(0, ...core.store.all("VM").map((o) => o.record.domid)) + 1;
}

/** Marks the VM's devices attached or detached. */
function setDevicesAttached(core: SimCore, vmRef: string, attached: boolean): void {
  const vm = core.store.get("VM", vmRef);
  for (const vbd of vm.VBDs) core.store.update("VBD", vbd, { currently_attached: attached });
  for (const vif of vm.VIFs) core.store.update("VIF", vif, { currently_attached: attached });
}

/**
 * Throws HOST_NOT_ENOUGH_FREE_MEMORY [needed, available] when the VM's static maximum does not
 * fit beside the guests already resident on the host.
 */
function assertMemoryFits(core: SimCore, vmRef: string, host: string): void {
  const store = core.store;
  const free = store.get("host_metrics", store.get("host", host).metrics).memory_free;
  const used = store
    .all("VM")
    .filter((o) => o.record.resident_on === host && !o.record.is_control_domain && o.ref !== vmRef)
    .reduce((sum, o) => sum + o.record.memory_static_max, 0);
  const needed = store.get("VM", vmRef).memory_static_max;
  if (needed > free - used) throw new XapiFailure("HOST_NOT_ENOUGH_FREE_MEMORY", [needed, free - used]);
}

/** Makes the VM a running (or paused) domain on the master and boots its guest unless paused. */
async function powerOn(core: SimCore, vmRef: string, paused: boolean): Promise<void> {
  const host = core.refs.master;
  assertMemoryFits(core, vmRef, host);
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

function assertGuestTools(vmRef: string, vm: Record<string, any>): void {
  if (!hasGuestTools(vm)) throw new XapiFailure("VM_LACKS_FEATURE", [vmRef]);
}

/** Declares a power operation: checks, then the transition. */
function powerOp(
  name: string,
  extra: ParamDef[],
  allowed: string[],
  options: { needsTools?: boolean },
  transition: (core: SimCore, vmRef: string, args: unknown[]) => Promise<void>,
): MethodDef {
  return method({
    name: `VM.${name}`,
    params: [vmParam, ...extra],
    result: T.void,
    handler: async ({ core }, vmRef: string, ...args: unknown[]) => {
      const vm = core.store.get("VM", vmRef);
      assertNotTemplate(vmRef, vm, name);
      assertNotControlDomain(vmRef, vm, name);
      assertPowerState(vmRef, vm, allowed);
      if (options.needsTools) assertGuestTools(vmRef, vm);
      await transition(core, vmRef, args);
    },
  });
}

/** VM.start, shutdowns, reboots, pause, suspend and their inverses. */
export function vmPowerMethods(): MethodDef[] {
  const running = ["Running"];
  return [
    powerOp("start", [startPaused, force], ["Halted"], {}, (core, vm, [paused]) => powerOn(core, vm, paused as boolean)),
    powerOp("start_on", [{ name: "host", type: T.ref("host") }, startPaused, force], ["Halted"], {}, (core, vm, [, paused]) =>
      powerOn(core, vm, paused as boolean),
    ),
    powerOp("clean_shutdown", [], running, { needsTools: true }, (core, vm) => powerOff(core, vm, "Halted")),
    powerOp("hard_shutdown", [], ["Paused", "Suspended", "Running"], {}, (core, vm) => powerOff(core, vm, "Halted")),
    powerOp("shutdown", [], running, {}, (core, vm) => powerOff(core, vm, "Halted")),
    powerOp("clean_reboot", [], running, { needsTools: true }, reboot),
    powerOp("hard_reboot", [], ["Paused", "Running"], {}, reboot),
    powerOp("pause", [], running, {}, async (core, vm) => {
      // A paused domain does not answer: its guest is halted until unpause.
      await haltGuest(core, vm);
      core.store.update("VM", vm, { power_state: "Paused" });
    }),
    powerOp("unpause", [], ["Paused"], {}, async (core, vm) => {
      core.store.update("VM", vm, { power_state: "Running" });
      await bootGuest(core, vm);
    }),
    powerOp("suspend", [], running, { needsTools: true }, (core, vm) => powerOff(core, vm, "Suspended")),
    powerOp("resume", [startPaused, force], ["Suspended"], {}, (core, vm, [paused]) => powerOn(core, vm, paused as boolean)),
  ];
}
