/**
 * XcpngLuaVM provider implementation: validates and maps inputs, then calls the sdk lifecycle
 * (sdk/vm/xcpng) through the shared XAPI session and the per-pool create limit. A create that
 * kept a VM after a failure throws with `id` and `properties` so the engine records it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { XcpngLuaVmError, destroyXcpngLuaVm, ensureXcpngLuaVm, readXcpngLuaVm, updateXcpngLuaVm } from "../../../sdk/vm/xcpng";
import { withXapi, type ConnectionInput } from "../../runtime/connections";
import { reveal } from "../../runtime/inputs";
import { importMarkOf, isImportRead } from "../../runtime/imported";
import { withCreateSlot } from "../../runtime/limiter";
import { poolUuidOf } from "../../runtime/machine-id";
import { OWNER_INPUT } from "../../runtime/owner";
import { PartialCreateError } from "../../runtime/partial";
import { rebootRequested } from "./disks-live";
import { keptOnDelete, readImported } from "./import";
import { placementSpec } from "./placement";
import { inputsOf, lifecycleOptions, outputsOf, priorOf, specOf } from "./outputs";

export { configure } from "../../runtime/config";
/** check: validate every input, apply defaults (no network). */
export { check } from "./inputs";
/** diff: replaces / in-place updates / refusals (no network). */
export { diff } from "./diff";

/**
 * create: find-or-clone, configure, start, wait for address, SSH and Lua. The pool's uuid is read
 * first (it goes into the sshTarget's machineId), so a pool that cannot say who it is gets no VM.
 */
export async function create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const spec = specOf(inputs);
  return withXapi(connectionOf(inputs), (client, url) =>
    withCreateSlot(url, async () => {
      const poolUuid = await poolUuidOf(client);
      try {
        const state = await ensureXcpngLuaVm(client, spec, lifecycleOptions(inputs));
        return { id: state.vmUuid, outs: outputsOf(inputs, state, poolUuid, spec) };
      } catch (error) {
        throw keptVmError(error, inputs, poolUuid, spec);
      }
    }),
  );
}

/** read (refresh): the VM as it is now, or no id when it is gone; inputs derived from the outputs. Given the id alone (import): ./import.ts. */
export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  if (isImportRead(props)) return readImported(id, props);
  const found = await withXapi(connectionOf(props), async (client) => {
    const state = await readXcpngLuaVm(client, id, String(props[OWNER_INPUT]), priorOf(props));
    return state ? { state, poolUuid: await poolUuidOf(client) } : undefined;
  });
  if (!found) return {};
  const outs = outputsOf(props, found.state, found.poolUuid);
  return { id, props: outs, inputs: inputsOf(outs) };
}

/** update: in-place changes (live where xapi allows, halting only with allowRestart; a changed rebootTrigger reboots); returns the full outputs. */
export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = { ...news, [OWNER_INPUT]: olds[OWNER_INPUT] ?? news[OWNER_INPUT] };
  const spec = { ...specOf(inputs), ...placementSpec(news, olds) };
  return withXapi(connectionOf(inputs), async (client) => {
    const poolUuid = await poolUuidOf(client);
    try {
      const state = await updateXcpngLuaVm(client, id, spec, priorOf(olds), { ...lifecycleOptions(inputs), reboot: rebootRequested(olds, news) });
      // What only the create knew (the drive, the host key it generated) stays in the outputs.
      const carried = { ...inputs, configDriveVdiUuid: olds.configDriveVdiUuid, cloudInitHostKey: olds.cloudInitHostKey };
      return { outs: { ...outputsOf(carried, state, poolUuid, spec), ...importMarkOf(olds) } };
    } catch (error) {
      throw keptVmError(error, inputs, poolUuid, spec);
    }
  });
}

/** delete: clean then hard shutdown, destroy with disks; refuses a VM not ours unless adopted; gone is fine. */
async function deleteVm(id: string, props: Record<string, unknown>): Promise<void> {
  if (await keptOnDelete(id, props)) return;
  const prior = priorOf(props);
  await withXapi(connectionOf(props), (client) => destroyXcpngLuaVm(client, id, String(props[OWNER_INPUT]), { adopted: prior.adopted, ...(prior.instance ? { instance: prior.instance } : {}) }, lifecycleOptions(props)));
}
export { deleteVm as delete };

function connectionOf(props: Record<string, unknown>): ConnectionInput | undefined {
  return reveal<ConnectionInput | undefined>(props.connection);
}

/** An error the engine turns into a partial state (id + properties, no secret field) when a VM was kept. */
function keptVmError(error: unknown, inputs: Record<string, unknown>, poolUuid: string, spec: ReturnType<typeof specOf>): unknown {
  if (!(error instanceof XcpngLuaVmError)) return error;
  return new PartialCreateError(error.message, error.vmUuid, { ...outputsOf(inputs, error.state, poolUuid, spec), __provider: inputs.__provider }, error);
}
