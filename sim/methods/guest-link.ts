/** Connects VMs to the guest layer: boots and halts guests, records the metrics they report. */
import type { SimCore } from "../rpc/core";
import type { GuestBootSpec, GuestNic } from "../guest/types";
import { readVdiContent } from "../model/vdi-content";
import { xapiDate } from "../model/time";
import { XapiFailure } from "../model/failure";
import { NULL_REF } from "../schema";
import { hasBakedKeys, hasGuestTools, runsCloudInit } from "./vm-state";

/** The VIFs of a VM that are plugged, as guest NICs. */
export function attachedNics(core: SimCore, vmRef: string): GuestNic[] {
  const vm = core.store.get("VM", vmRef);
  return vm.VIFs.map((ref: string) => core.store.get("VIF", ref))
    .filter((vif: Record<string, any>) => vif.currently_attached)
    .map((vif: Record<string, any>) => nicOf(core, vif));
}

/** A VIF as a guest NIC. */
export function nicOf(core: SimCore, vif: Record<string, any>): GuestNic {
  return { device: vif.device, networkUuid: core.store.get("network", vif.network).uuid };
}

/**
 * A listener that records reported metrics for one boot of the VM (identified by its domid),
 * ignoring reports that arrive after the VM halted or rebooted.
 */
export function metricsListener(core: SimCore, vmRef: string): (networks: Record<string, string>) => void {
  const domid = core.store.get("VM", vmRef).domid;
  return (networks) => {
    if (!core.store.has("VM", vmRef)) return;
    const vm = core.store.get("VM", vmRef);
    if (vm.domid !== domid || vm.power_state === "Halted" || vm.power_state === "Suspended") return;
    recordGuestMetrics(core, vmRef, networks);
  };
}

/** Creates or updates the VM's VM_guest_metrics with the reported networks map. */
export function recordGuestMetrics(core: SimCore, vmRef: string, networks: Record<string, string>): void {
  const store = core.store;
  const now = xapiDate();
  const current = store.get("VM", vmRef).guest_metrics;
  if (current !== NULL_REF && store.has("VM_guest_metrics", current)) {
    store.update("VM_guest_metrics", current, { networks, last_updated: now });
    return;
  }
  const metrics = store.create("VM_guest_metrics", {
    os_version: { name: "Alpine Linux (bioxen-luavm simulator)", distro: "alpine", major: "3" },
    PV_drivers_version: { major: "8", minor: "3", micro: "0", build: "1" },
    PV_drivers_up_to_date: true,
    PV_drivers_detected: true,
    networks,
    other: { "feature-shutdown": "1", "feature-suspend": "1", "feature-vcpu-hotplug": "1" },
    last_updated: now,
    live: true,
    can_use_hotplug_vbd: "yes",
    can_use_hotplug_vif: "yes",
  });
  store.update("VM", vmRef, { guest_metrics: metrics });
}

/** Boots the VM's guest; its metrics arrive later through the listener. */
export async function bootGuest(core: SimCore, vmRef: string): Promise<void> {
  const vm = core.store.get("VM", vmRef);
  const spec: GuestBootSpec = { vmUuid: vm.uuid, nics: attachedNics(core, vmRef), hasGuestTools: hasGuestTools(vm), bakedKeys: hasBakedKeys(vm) };
  if (runsCloudInit(vm)) spec.cloudInit = { drives: dataDrives(core, vmRef) };
  try {
    await core.guests.start(spec, metricsListener(core, vmRef));
  } catch (error) {
    throw new XapiFailure("INTERNAL_ERROR", [`guest of VM ${vm.uuid} failed to boot: ${(error as Error).message}`]);
  }
}

/** The content of the VM's attached, non-bootable Disk VBDs: where cloud-init looks for a seed. */
function dataDrives(core: SimCore, vmRef: string): Buffer[] {
  return core.store
    .get("VM", vmRef)
    .VBDs.map((ref: string) => core.store.get("VBD", ref))
    .filter((vbd: Record<string, any>) => vbd.type === "Disk" && !vbd.bootable && !vbd.empty && vbd.currently_attached && core.store.has("VDI", vbd.VDI))
    .map((vbd: Record<string, any>) => readVdiContent(core.store, vbd.VDI))
    .filter((content: Buffer) => content.length > 0);
}

/** Halts the VM's guest and forgets its metrics (xapi drops guest metrics on halt). */
export async function haltGuest(core: SimCore, vmRef: string): Promise<void> {
  const vm = core.store.get("VM", vmRef);
  await core.guests.stop(vm.uuid);
  dropGuestMetrics(core, vmRef);
}

/** Destroys the VM's VM_guest_metrics, if any. */
export function dropGuestMetrics(core: SimCore, vmRef: string): void {
  const metrics = core.store.get("VM", vmRef).guest_metrics;
  if (metrics === NULL_REF) return;
  core.store.update("VM", vmRef, { guest_metrics: NULL_REF });
  core.store.destroy("VM_guest_metrics", metrics);
}
