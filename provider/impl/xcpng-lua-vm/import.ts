/**
 * XcpngLuaVM and `pulumi import <type> <name> <vm uuid>`: read given the id alone, and what an
 * imported state changes in diff, update and delete. A VM whose own marker proves one of our
 * resources made it is imported as that resource's (owner and instance from the marker). Any
 * other VM is imported adopted and is never destroyed: a destroy (or removing it from the
 * program) forgets it, unless the program says `adopt: "<its uuid>"` — an in-place update that
 * hands it over, after which it is destroyed like any adopted VM.
 */
import { log } from "@pulumi/pulumi";
import type * as pulumi from "@pulumi/pulumi";
import { importXcpngLuaVm } from "../../../sdk/vm/xcpng";
import { withXapi, type ConnectionInput } from "../../runtime/connections";
import { IMPORTED_OUTPUT, wasImported, withoutImportGaps } from "../../runtime/imported";
import { compact, reveal } from "../../runtime/inputs";
import { poolUuidOf } from "../../runtime/machine-id";
import { OWNER_INPUT } from "../../runtime/owner";
import { INSTANCE_OUTPUT, inputsOf, outputsOf } from "./outputs";

/** Inputs an import cannot read off the VM: how it was made, how to log in, how long to wait. */
const UNKNOWABLE_INPUTS = ["template", "cloneMode", "sr", "ssh", "luaInterpreter", "allowRestart", "timeouts", "connection"];

/** read with the id alone: the VM as it is, marked imported; no id when no such VM exists. */
export async function readImported(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const found = await withXapi(reveal<ConnectionInput | undefined>(props.connection), async (client) => {
    const imported = await importXcpngLuaVm(client, id);
    return imported ? { imported, poolUuid: await poolUuidOf(client) } : undefined;
  });
  if (!found) return {};
  const { state, claim } = found.imported;
  const devices = Object.keys(state.networkUuids).sort((a, b) => Number(a) - Number(b));
  const known = compact({
    ...(props.connection !== undefined ? { connection: props.connection } : {}),
    name: state.name,
    vcpus: state.vcpus,
    memoryMiB: state.memoryMiB,
    networks: devices.map((device) => ({ network: state.networkUuids[device]! })),
    tags: state.tags,
    powerState: state.powerState,
    affinityHost: state.affinityHostUuid,
    [OWNER_INPUT]: claim?.owner,
  });
  const outs = { ...outputsOf(known, state, found.poolUuid), [IMPORTED_OUTPUT]: true, ...(claim ? { [INSTANCE_OUTPUT]: claim.instance } : {}) };
  const { [IMPORTED_OUTPUT]: _mark, ...inputs } = inputsOf(outs);
  return { id, props: outs, inputs };
}

/**
 * The diff's replaces and updates for an imported state: inputs the import could not know are no
 * change, and `adopt` naming this very VM is an in-place update (it only permits the destroy).
 */
export function importedChanges(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, replaces: string[], updates: string[]): { replaces: string[]; updates: string[] } {
  if (!wasImported(olds)) return { replaces, updates };
  const handsOver = news.adopt === id && olds.adopt === undefined;
  return {
    replaces: withoutImportGaps(olds, replaces, UNKNOWABLE_INPUTS).filter((key) => !(key === "adopt" && handsOver)),
    updates: [...withoutImportGaps(olds, updates, UNKNOWABLE_INPUTS), ...(handsOver ? ["adopt"] : [])],
  };
}

/** True (and logged) when delete must leave the VM alone: imported, not ours, not handed over with `adopt`. */
export async function keptOnDelete(id: string, props: Record<string, unknown>): Promise<boolean> {
  if (!wasImported(props) || props.adopted !== true || props.adopt === id) return false;
  await log.info(`XcpngLuaVM ${id}: imported VM not made by bioxen-luavm; it is forgotten, not destroyed (set adopt: "${id}" and run up first to have Pulumi destroy it)`);
  return true;
}
