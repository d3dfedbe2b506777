/**
 * The VmNetwork side of the ownership model (ownership-model.ts): the user's "pet" VMs a network
 * attaches to (not ours: VIFs we put on them are ours, the VMs never are), the network's input
 * variants, the outside actions on a network's VMs (remove our VIF, clone or snapshot a VM that
 * carries it, power it), and which network and VIF records count as ours.
 */
import { TEMPLATES, type Simulator } from "../../../sim";

/** How the model reaches XAPI as a user (its own session, outside any provider). */
export type UserXapi = (method: string, ...params: unknown[]) => Promise<unknown>;

const PETS = ["model-pet-0", "model-pet-1", "model-pet-2"] as const;

/**
 * The user's VMs, made once per simulator and put back in their power state (running, halted,
 * running) before each sequence, so a sequence runs the same whatever ran before; returns their uuids.
 */
export async function ensurePets(sim: Simulator, xapi: UserXapi): Promise<string[]> {
  const template = sim.objects("VM").find((o) => o.record.name_label === TEMPLATES.cloneReady)!;
  const uuids: string[] = [];
  for (const [i, name] of PETS.entries()) {
    let ref = sim.objects("VM").find((o) => o.record.name_label === name)?.ref;
    if (!ref) {
      ref = String(await xapi("VM.clone", template.ref, name));
      await xapi("VM.provision", ref);
      await xapi("VM.set_is_a_template", ref, false);
    }
    const running = sim.record("VM", ref)!.power_state === "Running";
    if (i !== 1 && !running) await xapi("VM.start", ref, false, false);
    if (i === 1 && running) await xapi("VM.hard_shutdown", ref);
    uuids.push(String(sim.record("VM", ref)!.uuid));
  }
  return uuids;
}

/** The replacing inputs of network variant 0–3 (MTU, VLAN; 2 → 3 keeps the VLAN slot: delete before replace). */
export function networkVariant(variant: number): Record<string, unknown> {
  const vlan = { pifDevice: "eth0", tag: 31 };
  return [{ mtu: 1500 }, { mtu: 9000 }, { mtu: 1500, vlan }, { mtu: 9000, vlan }][variant]!;
}

/** The variant the outputs were made with. */
export function networkVariantOf(outputs: Record<string, unknown>): number {
  return (outputs.mtu === 9000 ? 1 : 0) + (outputs.vlan ? 2 : 0);
}

/** The `attach` list of bit mask `mask` over the pets. */
export function attachOf(pets: string[], mask: number): Array<{ vmUuid: string }> {
  return pets.filter((_, i) => (mask >> i) & 1).map((vmUuid) => ({ vmUuid }));
}

/** The network's outside actions, on the VM of its first recorded attachment; returns VMs the user made. */
export async function networkOutside(sim: Simulator, xapi: UserXapi, outputs: Record<string, unknown>, action: string, label: string): Promise<string[]> {
  const attachment = ((outputs.attachments as Array<{ vmUuid: string; vifUuid: string }> | undefined) ?? [])[0];
  const vm = attachment ? sim.refOf(attachment.vmUuid) : undefined;
  if (!attachment || !vm) return [];
  const record = sim.record("VM", vm)!;
  if (action === "removeVif") {
    const vif = sim.refOf(attachment.vifUuid);
    if (vif) await removeVif(sim, xapi, vif);
    return [];
  }
  if (action === "power") {
    if (record.power_state === "Halted") await xapi("VM.start", vm, false, false);
    else await xapi("VM.hard_shutdown", vm);
    return [];
  }
  if (action === "snapshot") return [String(await xapi("VM.snapshot", vm, `pet-snap-${label}`))];
  // The user clones the VM (halting it first, as XAPI requires): the clone carries a copy of our VIF.
  if (record.power_state !== "Halted") await xapi("VM.hard_shutdown", vm);
  return [String(await xapi("VM.clone", vm, `pet-clone-${label}`))];
}

/** Unplugs (when attached) and destroys a VIF, as a user would. */
export async function removeVif(sim: Simulator, xapi: UserXapi, vif: string): Promise<void> {
  if (sim.record("VIF", vif)?.currently_attached) await xapi("VIF.unplug", vif);
  await xapi("VIF.destroy", vif);
}

/** Carries a marker of a model resource written on itself: owner under `prefix`; a network's `bioxen:self` when present, a VIF's `bioxen:vm` = its VM's uuid. */
export function isMarkedOurs(cls: string, record: Record<string, any>, prefix: string, vmUuid?: string): boolean {
  const marker = record.other_config ?? {};
  if (!String(marker["bioxen:owner"] ?? "").startsWith(prefix)) return false;
  if (cls === "VIF") return vmUuid !== undefined && marker["bioxen:vm"] === vmUuid;
  if (cls === "network") return marker["bioxen:self"] === undefined || marker["bioxen:self"] === record.uuid;
  return marker["bioxen:self"] === record.uuid && !(cls === "VM" && record.is_a_snapshot === true);
}

/** A marked object of a resource instance in `instances`, or of a create left "creating". */
export function isOurs(cls: string, record: Record<string, any>, instances: Set<string>, prefix: string, vmUuid?: string): boolean {
  const marker = record.other_config ?? {};
  return isMarkedOurs(cls, record, prefix, vmUuid) && (instances.has(marker["bioxen:instance"]) || marker["bioxen:state"] === "creating");
}

/** A VIF of ours: on a VM of ours, or marked for its own VM by an instance in `instances` or by its network's (unfinished) instance. */
export function isOurVif(vif: Record<string, any>, vm: Record<string, any> | undefined, network: Record<string, any> | undefined, instances: Set<string>, prefix: string): boolean {
  if (!vm || !isMarkedOurs("VIF", vif, prefix, vm.uuid)) return false;
  const instance = vif.other_config["bioxen:instance"];
  return instances.has(instance) || (network !== undefined && isOurs("network", network, instances, prefix) && network.other_config["bioxen:instance"] === instance);
}
