/**
 * The VIFs a VM network (the VmNetwork resource's) owns: finding them (VIFs on the network that
 * carry our ownership marker), bringing them in line with the `attach` list (new ones created and
 * hot-plugged on running VMs, removed ones unplugged and destroyed), and reading each attached
 * guest's address.
 */
import { Deadline } from "../../base/deadline";
import type { XapiClient } from "../../xapi";
import {
  XapiRecipeError,
  createVif,
  destroyVif,
  hasXapiCode,
  isGone,
  isRealRef,
  claimProblem,
  ownerMarkerKey,
  pickGuestAddress,
  type Claim,
  parseCidr,
  waitForGuestAddresses,
} from "../../xapi/recipes";
import type { AttachSpec, Attachment } from "./types";

/** A VIF of ours on the network, with its VM. */
export interface OwnedVif {
  ref: string;
  uuid: string;
  device: string;
  attached: boolean;
  vmRef: string;
  vmUuid: string;
}

type XRecord = Record<string, unknown>;

/**
 * The VIFs on `network` carrying the marker of `claim`, written for the VM they are on (a VIF a
 * clone, copy or snapshot of an attached VM inherited is not ours). For a 0.1.0 resource (no
 * instance) only the VIFs its state records (`recorded` uuids) count. VIFs of others are left alone.
 */
export async function ownedVifs(client: XapiClient, network: string, claim: Claim, recorded: Set<string> = new Set()): Promise<OwnedVif[]> {
  const vifs = ((await client.call("network.get_VIFs", network)) as string[]) ?? [];
  const found: OwnedVif[] = [];
  for (const ref of vifs) {
    let record: XRecord;
    try {
      record = (await client.call("VIF.get_record", ref)) as XRecord;
    } catch (error) {
      if (isGone(error)) continue;
      throw new XapiRecipeError({ step: "list the network's VIFs: VIF.get_record", object: ref }, "failed", error);
    }
    if ((record.other_config as Record<string, string> | undefined)?.[ownerMarkerKey] !== claim.owner) continue;
    const vmRef = String(record.VM);
    const vmUuid = String(await client.call("VM.get_uuid", vmRef)).toLowerCase();
    if (claimProblem("VIF", record, claim, vmUuid) !== undefined) continue;
    if (!claim.instance && !recorded.has(String(record.uuid))) continue;
    found.push({ ref, uuid: String(record.uuid), device: String(record.device), attached: record.currently_attached === true, vmRef, vmUuid });
  }
  return found;
}

/** Resolves a VM uuid from `attach` to its ref; refuses templates and control domains. */
async function vmRefFor(client: XapiClient, spec: AttachSpec, index: number): Promise<string> {
  const step = `attach[${index}]: find VM`;
  let ref: string;
  try {
    ref = (await client.call("VM.get_by_uuid", spec.vmUuid)) as string;
  } catch (error) {
    if (isGone(error)) {
      throw new XapiRecipeError({ step, object: spec.vmUuid, hint: "check attach[].vmUuid (typically an XcpngLuaVM's vmUuid output)", quietCause: true }, "no VM with this uuid", error);
    }
    throw new XapiRecipeError({ step: `${step}: VM.get_by_uuid`, object: spec.vmUuid }, "failed", error);
  }
  const record = (await client.call("VM.get_record", ref)) as XRecord;
  if (record.is_a_template === true || record.is_control_domain === true || record.is_a_snapshot === true) {
    throw new XapiRecipeError({ step, object: `${spec.vmUuid} "${String(record.name_label)}"`, hint: "attach VMs only" }, "this is a template, snapshot or control domain");
  }
  return ref;
}

/** Options for {@link reconcileVifs}. */
export interface ReconcileOptions {
  owner: Claim;
  /** VIF uuids the state records (what a 0.1.0 resource may touch) */
  recorded?: Set<string>;
  /** MTU of the new VIFs (the network's). */
  mtu: number;
}

/**
 * Makes the network's owned VIFs match `desired`: every VM uuid is resolved first (so a wrong
 * uuid changes nothing), missing VIFs are created (plugged when the VM runs), VIFs of VMs no
 * longer listed are unplugged and destroyed, and an owned VIF that was unplugged on a running VM
 * is plugged again. If creating a VIF fails, the VIFs created by this call are removed again.
 * Returns the VIFs in `desired` order.
 */
export async function reconcileVifs(client: XapiClient, network: string, desired: AttachSpec[], options: ReconcileOptions): Promise<OwnedVif[]> {
  const actual = await ownedVifs(client, network, options.owner, options.recorded);
  const byVm = new Map(actual.map((vif) => [vif.vmUuid, vif]));
  const wanted = new Set(desired.map((spec) => spec.vmUuid.toLowerCase()));
  const missing = desired.map((spec, index) => ({ spec, index })).filter(({ spec }) => !byVm.has(spec.vmUuid.toLowerCase()));
  const vmRefs = await Promise.all(missing.map(({ spec, index }) => vmRefFor(client, spec, index)));
  const created: OwnedVif[] = [];
  try {
    for (const [i, { spec }] of missing.entries()) {
      const ref = await createVif(client, vmRefs[i]!, network, { owner: options.owner, mtu: options.mtu });
      const record = (await client.call("VIF.get_record", ref)) as XRecord;
      const vif: OwnedVif = { ref, uuid: String(record.uuid), device: String(record.device), attached: record.currently_attached === true, vmRef: vmRefs[i]!, vmUuid: spec.vmUuid.toLowerCase() };
      created.push(vif);
      byVm.set(vif.vmUuid, vif);
    }
  } catch (error) {
    await Promise.all(created.map((vif) => destroyVif(client, vif.ref, { owner: options.owner }).catch(() => undefined)));
    throw error;
  }
  for (const vif of actual) {
    if (!wanted.has(vif.vmUuid)) await destroyVif(client, vif.ref, { owner: options.owner });
    else if (!vif.attached) await replugIfRunning(client, vif);
  }
  return desired.map((spec) => byVm.get(spec.vmUuid.toLowerCase())!);
}

/** Plugs an owned VIF again when its VM runs (someone unplugged it outside Pulumi). */
async function replugIfRunning(client: XapiClient, vif: OwnedVif): Promise<void> {
  if ((await client.call("VM.get_power_state", vif.vmRef)) !== "Running") return;
  try {
    await client.call("VIF.plug", vif.ref);
    vif.attached = true;
  } catch (error) {
    if (hasXapiCode(error, "DEVICE_ALREADY_ATTACHED")) return;
    throw new XapiRecipeError({ step: "re-plug VIF: VIF.plug", object: `VIF ${vif.uuid} of VM ${vif.vmUuid}` }, "failed", error);
  }
}

/** Options for {@link waitForAttachments}. */
export interface AddressWaitOptions {
  /** Absolute `Date.now()` deadline for every address. */
  deadline: number;
  signal?: AbortSignal;
}

/**
 * The attachments with each running VM's address on its VIF, waited for through `event.from`
 * (a halted VM has no address and is not waited for). The deadline error names the VM and what
 * its guest reported.
 */
export async function waitForAttachments(client: XapiClient, vifs: OwnedVif[], specs: AttachSpec[], options: AddressWaitOptions): Promise<Attachment[]> {
  return Promise.all(
    vifs.map(async (vif, i) => {
      const running = (await client.call("VM.get_power_state", vif.vmRef)) === "Running";
      if (!running) return attachmentOf(vif);
      const cidr = specs[i]?.expectedCidr;
      const addresses = await waitForGuestAddresses(client, vif.vmRef, {
        devices: [vif.device],
        ...(cidr ? { expectedCidr: { [vif.device]: cidr } } : {}),
        deadline: Deadline.at(options.deadline),
        signal: options.signal,
      });
      return attachmentOf(vif, addresses[vif.device]);
    }),
  );
}

/** The attachments with the addresses the guests report right now (no waiting; for read). */
export async function currentAttachments(client: XapiClient, vifs: OwnedVif[], specs: AttachSpec[]): Promise<Attachment[]> {
  return Promise.all(
    vifs.map(async (vif) => {
      const spec = specs.find((s) => s.vmUuid.toLowerCase() === vif.vmUuid);
      const metrics = String(await client.call("VM.get_guest_metrics", vif.vmRef));
      if (!vif.attached || !isRealRef(metrics)) return attachmentOf(vif);
      let networks: Record<string, string>;
      try {
        networks = (await client.call("VM_guest_metrics.get_networks", metrics)) as Record<string, string>;
      } catch (error) {
        if (isGone(error)) return attachmentOf(vif);
        throw error;
      }
      return attachmentOf(vif, pickGuestAddress(networks, vif.device, spec?.expectedCidr ? parseCidr(spec.expectedCidr) : undefined));
    }),
  );
}

function attachmentOf(vif: OwnedVif, address?: string): Attachment {
  return { vmUuid: vif.vmUuid, vifUuid: vif.uuid, device: vif.device, ...(address ? { address } : {}) };
}
