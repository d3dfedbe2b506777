/**
 * Bringing name, tags, vCPUs, memory and root disk to the spec. vCPUs, memory and disk size
 * can only change while the VM is halted (as in xapi): a running VM is shut down for them only
 * when allowed, otherwise the change is refused with a message saying how to allow it.
 */
import type { WaitOptions } from "../../base/deadline";
import type { XapiClient } from "../../xapi";
import { XapiRecipeError, findRootDisk, growRootDisk, ownerTag, setMemory, setVcpus, shutdownVm } from "../../xapi/recipes";
import { withContext } from "../../xapi/recipes/errors";
import type { XcpngLuaVmSpec } from "./types";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** What a VM needs to match a spec's resources. */
export interface HardwareChanges {
  vcpus: boolean;
  memory: boolean;
  disk: boolean;
}

/** The resource changes (vCPUs, memory, disk) `spec` asks of the VM; refuses a disk shrink. */
export async function plannedHardwareChanges(client: XapiClient, vm: string, spec: XcpngLuaVmSpec): Promise<HardwareChanges> {
  const record = (await withContext({ step: "read VM", object: vm }, () => client.call("VM.get_record", vm))) as Record<string, unknown>;
  const bytes = spec.memoryMiB * MiB;
  const memory = [record.memory_static_max, record.memory_dynamic_max, record.memory_dynamic_min].some((v) => Number(v) !== bytes);
  const vcpus = Number(record.VCPUs_at_startup) !== spec.vcpus || Number(record.VCPUs_max) !== spec.vcpus;
  let disk = false;
  if (spec.diskGiB !== undefined) {
    const current = Number((await findRootDisk(client, vm)).vdiRecord.virtual_size);
    const wanted = Math.round(spec.diskGiB * GiB);
    if (wanted < current) {
      throw new XapiRecipeError(
        { step: "plan root disk size", object: String(record.uuid), hint: "disks only grow; to get a smaller disk, replace the VM" },
        `refusing to shrink the root disk from ${current / GiB} GiB to ${spec.diskGiB} GiB`,
      );
    }
    disk = wanted > current;
  }
  return { vcpus, memory, disk };
}

/**
 * Applies name, tags, vCPUs, memory and disk. Returns true when it halted a running VM (the
 * caller starts it again when the spec wants it running).
 * @param allowHalt shut a running VM down when vCPUs, memory or disk must change
 */
export async function applyHardware(client: XapiClient, vm: string, spec: XcpngLuaVmSpec, wait: { allowHalt: boolean } & WaitOptions): Promise<boolean> {
  const record = (await withContext({ step: "read VM", object: vm }, () => client.call("VM.get_record", vm))) as Record<string, unknown>;
  const uuid = String(record.uuid);
  if (record.name_label !== spec.name) await withContext({ step: "rename VM", object: uuid }, () => client.call("VM.set_name_label", vm, spec.name));
  const tags = [...new Set([...spec.tags, ownerTag])].sort();
  const currentTags = [...new Set((record.tags ?? []) as string[])].sort();
  if (tags.join("\n") !== currentTags.join("\n")) await withContext({ step: "set VM tags", object: uuid }, () => client.call("VM.set_tags", vm, tags));

  const changes = await plannedHardwareChanges(client, vm, spec);
  const needed = (Object.keys(changes) as (keyof HardwareChanges)[]).filter((k) => changes[k]);
  if (needed.length === 0) return false;
  let halted = false;
  if (record.power_state !== "Halted") {
    if (!wait.allowHalt) {
      throw new XapiRecipeError(
        { step: `change ${needed.join(", ")}`, object: uuid, hint: "set allowRestart: true to let the VM be shut down and started again, or set powerState: \"halted\"" },
        `the VM is ${String(record.power_state).toLowerCase()} and ${needed.join(", ")} can only change while it is halted`,
      );
    }
    await shutdownVm(client, vm, { cleanTimeoutMs: 60_000, deadline: wait.deadline, signal: wait.signal });
    halted = true;
  }
  if (changes.vcpus) await setVcpus(client, vm, spec.vcpus);
  if (changes.memory) await setMemory(client, vm, spec.memoryMiB * MiB);
  if (changes.disk) await growRootDisk(client, vm, Math.round(spec.diskGiB! * GiB));
  return halted;
}
