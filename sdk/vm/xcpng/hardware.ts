/**
 * Bringing name, description, tags, vCPUs, memory and root disk to the spec. A running VM takes
 * vCPUs up to VCPUs_max, memory inside its static range and a root disk growth where its VDI
 * allows `resize_online` live (as xapi allows); anything else (a new ceiling, a root disk its SR
 * grows only detached) changes while it is halted: it is shut down for that only when allowed,
 * otherwise the change is refused with a message saying how to allow it.
 */
import type { WaitOptions } from "../../base/deadline";
import type { XapiClient } from "../../xapi";
import { XapiRecipeError, findRootDisk, growRootDisk, growsOnlyDetached, growsOnline, liveLimitsOf, memoryFitsLive, ownerTag, setMemory, setMemoryLive, setVcpus, setVcpusLive, shutdownVm, vcpusFitLive } from "../../xapi/recipes";
import { withContext } from "../../xapi/recipes/errors";
import type { XcpngLuaVmSpec } from "./types";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/**
 * What a VM needs to match a spec's resources: `vcpus`, `memory`, `disk` need setting the halted
 * way (a running VM must be halted first); `live` lists what a running VM takes as it runs
 * (vCPUs up to VCPUs_max, memory inside the static range, a root disk whose VDI allows resize_online).
 */
export interface HardwareChanges {
  vcpus: boolean;
  memory: boolean;
  disk: boolean;
  live: Array<"vcpus" | "memory" | "disk">;
}

/** The resource changes (vCPUs, memory, disk) `spec` asks of the VM; refuses a disk shrink. */
export async function plannedHardwareChanges(client: XapiClient, vm: string, spec: XcpngLuaVmSpec): Promise<HardwareChanges> {
  const record = (await withContext({ step: "read VM", object: vm }, () => client.call("VM.get_record", vm))) as Record<string, unknown>;
  const running = record.power_state === "Running";
  const limits = liveLimitsOf(record);
  const bytes = spec.memoryMiB * MiB;
  const vcpuCount = Number(record.VCPUs_at_startup) !== spec.vcpus;
  const vcpuCeiling = spec.maxVcpus !== undefined ? limits.vcpusMax !== Math.max(spec.vcpus, spec.maxVcpus) : running ? !vcpusFitLive(limits, spec.vcpus) : limits.vcpusMax !== spec.vcpus;
  const memoryDynamic = Number(record.memory_dynamic_min) !== bytes || Number(record.memory_dynamic_max) !== bytes;
  const memoryCeiling =
    spec.maxMemoryMiB !== undefined ? limits.memoryStaticMax !== Math.max(bytes, spec.maxMemoryMiB * MiB) || bytes < limits.memoryStaticMin : running ? !memoryFitsLive(limits, bytes) : limits.memoryStaticMax !== bytes;
  const live: HardwareChanges["live"] = [];
  if (running && vcpuCount && !vcpuCeiling) live.push("vcpus");
  if (running && memoryDynamic && !memoryCeiling) live.push("memory");
  let disk = false;
  if (spec.diskGiB !== undefined) {
    const root = await findRootDisk(client, vm);
    const current = Number(root.vdiRecord.virtual_size);
    const wanted = Math.round(spec.diskGiB * GiB);
    if (wanted < current) {
      throw new XapiRecipeError(
        { step: "plan root disk size", object: String(record.uuid), hint: "disks only grow; to get a smaller disk, replace the VM" },
        `refusing to shrink the root disk from ${current / GiB} GiB to ${spec.diskGiB} GiB`,
      );
    }
    if (wanted > current && running && growsOnline(root.vdiRecord)) live.push("disk");
    else disk = wanted > current;
  }
  return { vcpus: vcpuCeiling || (vcpuCount && !live.includes("vcpus")), memory: memoryCeiling || (memoryDynamic && !live.includes("memory")), disk, live };
}

/**
 * Applies name, description, tags, vCPUs, memory and disk: live on a running VM where xapi
 * allows it, else halted. Returns true when it halted a running VM (the caller starts it again
 * when the spec wants it running).
 * @param allowHalt shut a running VM down when vCPUs, memory or disk must change the halted way
 */
export async function applyHardware(client: XapiClient, vm: string, spec: XcpngLuaVmSpec, wait: { allowHalt: boolean } & WaitOptions): Promise<boolean> {
  const record = (await withContext({ step: "read VM", object: vm }, () => client.call("VM.get_record", vm))) as Record<string, unknown>;
  const uuid = String(record.uuid);
  if (record.name_label !== spec.name) await withContext({ step: "rename VM", object: uuid }, () => client.call("VM.set_name_label", vm, spec.name));
  const description = spec.description;
  if (description !== undefined && record.name_description !== description) {
    await withContext({ step: "set VM description", object: uuid }, () => client.call("VM.set_name_description", vm, description));
  }
  const tags = [...new Set([...spec.tags, ownerTag])].sort();
  const currentTags = [...new Set((record.tags ?? []) as string[])].sort();
  if (tags.join("\n") !== currentTags.join("\n")) await withContext({ step: "set VM tags", object: uuid }, () => client.call("VM.set_tags", vm, tags));

  const changes = await plannedHardwareChanges(client, vm, spec);
  const needed: Array<"vcpus" | "memory" | "disk"> = (["vcpus", "memory", "disk"] as const).filter((k) => changes[k]);
  // The root disk grows online unless the VM halts for something else anyway; xapi saying "only detached" makes it a halting change.
  if (changes.live.includes("disk") && needed.length === 0 && !(await grewOnline(client, vm, spec))) needed.push("disk");
  if (needed.length === 0) {
    if (changes.live.includes("vcpus")) await setVcpusLive(client, vm, spec.vcpus);
    if (changes.live.includes("memory")) await setMemoryLive(client, vm, spec.memoryMiB * MiB);
    return false;
  }
  let halted = false;
  if (record.power_state !== "Halted") {
    if (!wait.allowHalt) {
      throw new XapiRecipeError(
        { step: `change ${needed.join(", ")}`, object: uuid, hint: "set allowRestart: true to let the VM be shut down and started again, or set powerState: \"halted\" (vCPUs up to maxVcpus, memory up to maxMemoryMiB and a root disk on an SR that resizes online change without a halt)" },
        `the VM is ${String(record.power_state).toLowerCase()} and ${needed.join(", ")} can only change while it is halted${needed.includes("disk") ? " (the root disk's SR, or this xapi, grows it only detached)" : ""}`,
      );
    }
    await shutdownVm(client, vm, { cleanTimeoutMs: 60_000, deadline: wait.deadline, signal: wait.signal });
    halted = true;
  }
  if (changes.vcpus || changes.live.includes("vcpus")) await setHaltedVcpus(client, vm, spec);
  if (changes.memory || changes.live.includes("memory")) await setHaltedMemory(client, vm, spec);
  if (needed.includes("disk") || changes.live.includes("disk")) await growRootDisk(client, vm, rootDiskBytes(spec));
  return halted;
}

/** Grows the attached root disk (VDI.resize_online); false when xapi says it grows only detached. */
async function grewOnline(client: XapiClient, vm: string, spec: XcpngLuaVmSpec): Promise<boolean> {
  try {
    await growRootDisk(client, vm, rootDiskBytes(spec));
    return true;
  } catch (error) {
    if (growsOnlyDetached(error)) return false;
    throw error;
  }
}

function rootDiskBytes(spec: XcpngLuaVmSpec): number {
  return Math.round(spec.diskGiB! * GiB);
}

/** vCPUs of a halted VM: the count, and VCPUs_max raised to maxVcpus when given (room for hot-plug). */
async function setHaltedVcpus(client: XapiClient, vm: string, spec: XcpngLuaVmSpec): Promise<void> {
  await setVcpus(client, vm, spec.vcpus);
  const ceiling = spec.maxVcpus ?? 0;
  if (ceiling > spec.vcpus) {
    await withContext({ step: `set vCPUs: VM.set_VCPUs_max(${ceiling})`, object: vm }, () => client.call("VM.set_VCPUs_max", vm, ceiling));
  }
}

/** Memory of a halted VM: exactly memoryMiB, with static_max at maxMemoryMiB when given (room for live growth). */
async function setHaltedMemory(client: XapiClient, vm: string, spec: XcpngLuaVmSpec): Promise<void> {
  const limits = await setMemory(client, vm, spec.memoryMiB * MiB);
  const ceiling = (spec.maxMemoryMiB ?? 0) * MiB;
  if (ceiling > limits.staticMax) {
    await withContext({ step: "set memory: VM.set_memory_limits (static max)", object: vm }, () =>
      client.call("VM.set_memory_limits", vm, limits.staticMin, ceiling, limits.dynamicMin, limits.dynamicMax),
    );
  }
}
