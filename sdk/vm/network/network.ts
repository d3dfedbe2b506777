/**
 * The network side of a VM network on XAPI (the VmNetwork resource's): creating the network
 * (private, or with its VLAN), reading back what exists, renaming, and the ordered teardown (our
 * VIFs, the VLAN, the network).
 */
import type { XapiClient } from "../../xapi";
import { assertPrintable } from "../../base/printable";
import {
  XapiRecipeError,
  assertOwned,
  createPrivateNetwork,
  createVlanNetwork,
  destroyNetwork,
  destroyVif,
  findUnfinished,
  instanceMarkerKey,
  isGone,
  restoreVlan,
  vlanGaps,
  type Claim,
} from "../../xapi/recipes";
import { ownedVifs } from "./vifs";
import type { VlanSpec } from "./types";

/** What the network itself looks like on the pool. */
export interface ObservedNetwork {
  ref: string;
  uuid: string;
  name: string;
  description: string;
  mtu: number;
  bridge: string;
  vlan?: VlanSpec;
}

/** What {@link createNetwork} needs. */
export interface NetworkSpec {
  name: string;
  description: string;
  mtu: number;
  vlan?: VlanSpec;
  owner: string | Claim;
}

/** Creates the network (and its VLAN on every host, from the master's PIF `vlan.pifDevice`); returns its ref. */
export async function createNetwork(client: XapiClient, spec: NetworkSpec): Promise<string> {
  assertPrintable(spec.name, "name");
  assertPrintable(spec.description, "description");
  const base = { name: spec.name, description: spec.description, mtu: spec.mtu, owner: spec.owner, state: "creating" as const };
  if (!spec.vlan) return createPrivateNetwork(client, base);
  return (await createVlanNetwork(client, { ...base, pifDevice: spec.vlan.pifDevice, vlan: spec.vlan.tag })).network;
}

/** The network's ref by uuid, or undefined when it no longer exists. */
export async function findNetwork(client: XapiClient, uuid: string): Promise<string | undefined> {
  try {
    return (await client.call("network.get_by_uuid", uuid)) as string;
  } catch (error) {
    if (isGone(error)) return undefined;
    throw new XapiRecipeError({ step: "find network: network.get_by_uuid", object: uuid }, "failed", error);
  }
}

/** The network's uuid; `ref` itself when XAPI cannot say (for messages about a half-made network). */
export async function networkUuidOf(client: XapiClient, ref: string): Promise<string> {
  return String(await client.call("network.get_uuid", ref).catch(() => ref));
}

/**
 * Reads the network's fields and its VLAN (a VLAN PIF carries the tagged device's name and the
 * tag), with the hosts where its VLAN PIF is missing.
 */
export async function observeNetwork(client: XapiClient, ref: string): Promise<ObservedNetwork> {
  const record = (await client.call("network.get_record", ref)) as Record<string, unknown>;
  let vlan: VlanSpec | undefined;
  for (const pif of (record.PIFs as string[] | undefined) ?? []) {
    const pifRecord = (await client.call("PIF.get_record", pif)) as Record<string, unknown>;
    const tag = Number(pifRecord.VLAN);
    if (Number.isInteger(tag) && tag >= 0) vlan = { pifDevice: String(pifRecord.device), tag };
  }
  const gaps = vlan ? (await vlanGaps(client, ref))?.gaps ?? [] : [];
  if (vlan && gaps.length > 0) vlan.missingOn = gaps.map((g) => g.hostName).sort();
  return {
    ref,
    uuid: String(record.uuid),
    name: String(record.name_label),
    description: String(record.name_description ?? ""),
    mtu: Number(record.MTU),
    bridge: String(record.bridge),
    ...(vlan ? { vlan } : {}),
  };
}

/** Makes the network's VLAN again on the hosts where its PIF is missing (drift repair, in place). */
export async function repairVlan(client: XapiClient, ref: string, owner: Claim): Promise<void> {
  await assertOwned(client, "network", ref, owner);
  const coverage = await vlanGaps(client, ref);
  if (coverage && coverage.gaps.length > 0) await restoreVlan(client, ref, coverage);
}

/** Sets name and description in place (after checking the network is ours). */
export async function renameNetwork(client: XapiClient, ref: string, owner: Claim, name: string, description: string): Promise<void> {
  assertPrintable(name, "name");
  assertPrintable(description, "description");
  const record = await assertOwned(client, "network", ref, owner);
  const object = `network ${String(record.uuid)}`;
  try {
    if (record.name_label !== name) await client.call("network.set_name_label", ref, name);
    if (record.name_description !== description) await client.call("network.set_name_description", ref, description);
  } catch (error) {
    throw new XapiRecipeError({ step: "rename network", object }, "failed", error);
  }
}

/**
 * Removes what a VmNetwork made, in order: our VIFs (unplugged, destroyed), the VLAN, the
 * network. Refuses a network without our marker and one that still carries VIFs of others
 * (listing them). A network already gone is fine.
 */
export async function teardownNetwork(client: XapiClient, ref: string, owner: Claim, recorded: Set<string> = new Set()): Promise<void> {
  try {
    await assertOwned(client, "network", ref, owner);
  } catch (error) {
    if (isGone(error) || isGone((error as { cause?: unknown }).cause)) return;
    throw error;
  }
  for (const vif of await ownedVifs(client, ref, owner, recorded)) await destroyVif(client, vif.ref, { owner });
  await destroyNetwork(client, ref, { owner });
}

/** A network an interrupted create left unfinished, with the claim its own marker names. */
export interface UnfinishedNetwork {
  ref: string;
  uuid: string;
  claim: Claim;
}

/**
 * The networks named `name` that an interrupted create of `owner` left unfinished (`bioxen:state`
 * "creating"). Finished networks (a live resource's, e.g. the predecessor of a replacement) never
 * match; looking by name keeps the lookup independent of the pool's size.
 */
export async function unfinishedNetworks(client: XapiClient, owner: string, name: string): Promise<UnfinishedNetwork[]> {
  return (await findUnfinished(client, "network", owner, name)).map((left) => ({
    ref: left.ref,
    uuid: left.uuid,
    claim: { owner, instance: (left.record.other_config as Record<string, string>)[instanceMarkerKey] },
  }));
}
