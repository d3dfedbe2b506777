/**
 * VmNetwork and `pulumi import <type> <name> <network uuid>`: read given the id alone, and what an
 * imported state changes in diff, update and delete. A network whose own marker proves one of our
 * VmNetworks made it is imported as that resource's (owner, instance and its VIFs from the marker).
 * Any other network is observed only: updates are refused, and a destroy forgets it — nothing we
 * did not create is ever changed or destroyed.
 */
import { log } from "@pulumi/pulumi";
import type * as pulumi from "@pulumi/pulumi";
import { importNetwork } from "../../../sdk/vm/network";
import { withXapi, type ConnectionInput } from "../../runtime/connections";
import { IMPORTED_OUTPUT, wasImported, withoutImportGaps } from "../../runtime/imported";
import { compact, reveal } from "../../runtime/inputs";
import { OWNER_INPUT } from "../../runtime/owner";
import type { VmNetworkInputs } from "./inputs";
import { outputsOf } from "./outputs";

/** Inputs an import cannot read off the network. */
const UNKNOWABLE_INPUTS = ["timeouts", "connection"];

/** read with the id alone: the network as it is, marked imported; no id when it does not exist. */
export async function readImported(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const found = await withXapi(reveal<ConnectionInput | undefined>(props.connection), (client) => importNetwork(client, id));
  if (!found) return {};
  const { observed, claim, attach, attachments } = found;
  const inputs = compact({
    ...(props.connection !== undefined ? { connection: props.connection } : {}),
    name: observed.name,
    description: observed.description,
    mtu: observed.mtu,
    vlan: observed.vlan,
    attach,
    [OWNER_INPUT]: claim?.owner,
  }) as unknown as VmNetworkInputs;
  const outs = { ...outputsOf({ ...inputs, ...(claim ? { __instance: claim.instance } : {}) }, observed, attachments), [IMPORTED_OUTPUT]: true };
  return { id, props: outs, inputs: inputs as unknown as Record<string, unknown> };
}

/** The diff's changed keys for an imported state: inputs the import could not know are no change. */
export function importedChanges(olds: Record<string, unknown>, keys: string[]): string[] {
  return withoutImportGaps(olds, keys, UNKNOWABLE_INPUTS);
}

/** True when the state is an imported network not made by us (no owner): observed only. */
export function isForeignImport(props: Record<string, unknown>): boolean {
  return wasImported(props) && props[OWNER_INPUT] === undefined;
}

/** Refuses an update of a foreign imported network, naming what to do instead. */
export function refuseForeignUpdate(id: string, props: Record<string, unknown>): void {
  if (!isForeignImport(props)) return;
  throw new Error(
    `VmNetwork ${id}: this network was imported and was not made by bioxen-luavm, so it is never changed; declare it exactly as imported (pulumi preview shows no change), or create a new VmNetwork instead`,
  );
}

/** True (and logged) when delete must leave the network alone: imported and not made by us. */
export async function keptOnDelete(id: string, props: Record<string, unknown>): Promise<boolean> {
  if (!isForeignImport(props)) return false;
  await log.info(`VmNetwork ${id}: imported network not made by bioxen-luavm; it is forgotten, not destroyed`);
  return true;
}
