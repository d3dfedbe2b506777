/**
 * XcpngLuaVM's data disks, live changes, reboot trigger and description (issue #15 items 1, 3,
 * 4): their check, their place in the diff (what needs a halt), and their outputs as observed so
 * a refresh shows drift. Pure: no network.
 */
import type { XcpngLuaVmSpec, XcpngLuaVmState } from "../../../sdk/vm/xcpng";
import { compact, failure, isUnknown, reveal, shown, type CheckFailure } from "../../runtime/inputs";

/** One data disk input. */
export interface XcpngDiskInput {
  sizeGiB: number;
  sr?: string;
  name?: string;
}

/** The inputs of this file, as stored. */
export interface XcpngDisksLiveInputs {
  disks?: XcpngDiskInput[];
  maxVcpus?: number;
  maxMemoryMiB?: number;
  description?: string;
  rebootTrigger?: string | number;
}

/** Input keys handled here. */
export const DISKS_LIVE_INPUT_KEYS = ["disks", "maxVcpus", "maxMemoryMiB", "description", "rebootTrigger"] as const;
/** Computed outputs added here: the live ceilings observed, and the VIFs' network uuids (drift). */
export const DISKS_LIVE_OUTPUT_KEYS = ["vcpusMax", "memoryMaxMiB", "networkUuids"] as const;
/** Of them, the inputs that change in place. */
export const DISKS_LIVE_UPDATE_KEYS: readonly string[] = DISKS_LIVE_INPUT_KEYS;

const MAX_DISKS = 12;
const DISK_KEYS = ["sizeGiB", "sr", "name"];

/** Check failures of the inputs of this file. */
export function disksLiveFailures(news: Record<string, unknown>): CheckFailure[] {
  const f: CheckFailure[] = [...checkDisks(news.disks)];
  f.push(...wholeIn("maxVcpus", news.maxVcpus, 1, 64), ...wholeIn("maxMemoryMiB", news.maxMemoryMiB, 128, 1_048_576));
  const known = (key: string) => news[key] !== undefined && !isUnknown(news[key]);
  if (known("maxVcpus") && known("vcpus") && Number(news.maxVcpus) < Number(news.vcpus)) f.push(failure("maxVcpus", `must be ≥ vcpus (${shown(news.vcpus)}), got ${shown(news.maxVcpus)}`));
  if (known("maxMemoryMiB") && known("memoryMiB") && Number(news.maxMemoryMiB) < Number(news.memoryMiB)) f.push(failure("maxMemoryMiB", `must be ≥ memoryMiB (${shown(news.memoryMiB)}), got ${shown(news.maxMemoryMiB)}`));
  if (known("description") && (typeof news.description !== "string" || news.description.length > 1024)) f.push(failure("description", `must be a string of at most 1024 characters, got ${shown(news.description)}`));
  if (known("rebootTrigger") && typeof news.rebootTrigger !== "string" && typeof news.rebootTrigger !== "number") f.push(failure("rebootTrigger", `must be a string or number (any change reboots the VM), got ${shown(news.rebootTrigger)}`));
  return f;
}

function wholeIn(property: string, value: unknown, min: number, max: number): CheckFailure[] {
  if (value === undefined || isUnknown(value)) return [];
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max ? [] : [failure(property, `must be an integer ≥ ${min} and ≤ ${max}, got ${shown(value)}`)];
}

function checkDisks(value: unknown): CheckFailure[] {
  if (value === undefined || (isUnknown(value) && !Array.isArray(value))) return [];
  if (!Array.isArray(value) || value.length > MAX_DISKS) return [failure("disks", `must list at most ${MAX_DISKS} disks ({ sizeGiB, sr?, name? }), got ${shown(value)}`)];
  const f: CheckFailure[] = [];
  value.forEach((disk, i) => {
    const at = `disks[${i}]`;
    if (isUnknown(disk)) return;
    if (disk === null || typeof disk !== "object" || Array.isArray(disk)) return void f.push(failure(at, `must be { sizeGiB, sr?, name? }, got ${shown(disk)}`));
    const d = disk as Record<string, unknown>;
    for (const key of Object.keys(d)) if (!DISK_KEYS.includes(key)) f.push(failure(`${at}.${key}`, "is not a disk field (sizeGiB, sr, name)"));
    if (!isUnknown(d.sizeGiB) && (typeof d.sizeGiB !== "number" || !(d.sizeGiB > 0) || d.sizeGiB > 65_536)) f.push(failure(`${at}.sizeGiB`, `must be a number of GiB > 0 and ≤ 65536, got ${shown(d.sizeGiB)}`));
    for (const key of ["sr", "name"]) {
      if (d[key] !== undefined && !isUnknown(d[key]) && (typeof d[key] !== "string" || (d[key] as string).trim() === "" || (d[key] as string).length > 255)) {
        f.push(failure(`${at}.${key}`, `must be ${key === "sr" ? "an SR name or uuid" : "a VDI name of 1–255 characters"}, got ${shown(d[key])}`));
      }
    }
  });
  return f;
}

/** Disks in their stored normal form (no undefined fields); unknowns stay. */
export function normalizeDisks(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((d) => (isUnknown(d) || d === null || typeof d !== "object" ? d : compact({ ...(d as Record<string, unknown>) })));
}

/** The spec fields of this file. */
export function disksLiveSpec(inputs: XcpngDisksLiveInputs): Pick<XcpngLuaVmSpec, "disks" | "maxVcpus" | "maxMemoryMiB" | "description"> {
  return compact({ disks: inputs.disks?.map((d) => compact({ ...d })), maxVcpus: inputs.maxVcpus, maxMemoryMiB: inputs.maxMemoryMiB, description: inputs.description });
}

/** An update reboots when rebootTrigger is set and differs from the previous value. */
export function rebootRequested(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  return news.rebootTrigger !== undefined && !isUnknown(news.rebootTrigger) && news.rebootTrigger !== olds.rebootTrigger;
}

/**
 * The updated keys that need a halted VM, judged from the ceilings observed last (outputs
 * vcpusMax, memoryMaxMiB, rootDiskResizeOnline): vCPUs beyond VCPUs_max, memory beyond the static
 * max, a new ceiling, a root disk growth unless its VDI allows resize_online. State without them
 * (older versions): vcpus, memory and the root disk count as halting.
 */
export function haltingChanges(olds: Record<string, unknown>, news: Record<string, unknown>, updates: string[]): string[] {
  const known = (key: string) => !isUnknown(news[key]);
  const beyond = (wanted: unknown, ceiling: unknown) => typeof ceiling !== "number" || Number(wanted) > ceiling;
  const newCeiling = (wanted: unknown, ceiling: unknown) => wanted !== undefined && wanted !== ceiling;
  const halting: string[] = [];
  if (updates.includes("vcpus") && known("vcpus") && beyond(news.vcpus, olds.vcpusMax)) halting.push("vcpus");
  if (updates.includes("maxVcpus") && known("maxVcpus") && newCeiling(news.maxVcpus, olds.vcpusMax)) halting.push("maxVcpus");
  if (updates.includes("memoryMiB") && known("memoryMiB") && beyond(news.memoryMiB, olds.memoryMaxMiB)) halting.push("memoryMiB");
  if (updates.includes("maxMemoryMiB") && known("maxMemoryMiB") && newCeiling(news.maxMemoryMiB, olds.memoryMaxMiB)) halting.push("maxMemoryMiB");
  if (updates.includes("diskGiB") && known("diskGiB") && olds.rootDiskResizeOnline !== true) halting.push("diskGiB");
  return halting;
}

/** A data disk whose new size is below the size observed last (same slot): refused before any change. */
export function shrunkDisk(olds: Record<string, unknown>, news: Record<string, unknown>): string | undefined {
  const before = reveal<XcpngDiskInput[] | undefined>(olds.disks);
  const after = reveal<XcpngDiskInput[] | undefined>(news.disks);
  if (!Array.isArray(before) || !Array.isArray(after)) return undefined;
  for (const [i, disk] of after.entries()) {
    const was = before[i];
    if (was && typeof disk?.sizeGiB === "number" && disk.sizeGiB < was.sizeGiB) return `disks[${i}].sizeGiB ${disk.sizeGiB} is smaller than the disk (${was.sizeGiB} GiB); disks only grow — keep it ≥ ${was.sizeGiB} or remove the disk`;
  }
  return undefined;
}

/**
 * The outputs of this file from the observed state: disks as found (size, and the name when
 * the input gives one), the description when managed, the ceilings, and the VIFs' networks —
 * a VIF moved to another network shows that network's uuid, one removed is missing, one added
 * outside appears — so a refresh shows drift and the next update repairs it.
 */
export function disksLiveOutputs(inputs: Record<string, unknown>, state: XcpngLuaVmState): Record<string, unknown> {
  const wantedDisks = reveal<XcpngDiskInput[] | undefined>(inputs.disks);
  const disks = (state.disks ?? []).map((d) => {
    const wanted = wantedDisks?.[d.slot];
    return compact({ sizeGiB: d.sizeGiB, sr: wanted?.sr, name: wanted?.name !== undefined || !wanted ? d.name : undefined });
  });
  return compact({
    disks: wantedDisks !== undefined || disks.length > 0 ? disks : undefined,
    description: inputs.description !== undefined ? (state.description ?? "") : undefined,
    vcpusMax: state.vcpusMax,
    memoryMaxMiB: state.memoryMaxMiB,
    networks: observedNetworks(inputs, state),
    networkUuids: state.networkUuids,
  });
}

/** The networks input as observed (see {@link disksLiveOutputs}); the input as given when nothing drifted. */
function observedNetworks(inputs: Record<string, unknown>, state: XcpngLuaVmState): unknown {
  const given = reveal<Array<{ network: string; expectedCidr?: string }> | undefined>(inputs.networks);
  const recorded = inputs.networkUuids as Record<string, string> | undefined;
  // Without a recorded mapping (older state) or a real observation (a kept VM that could not be read) there is nothing to compare.
  if (!Array.isArray(given) || recorded === undefined || state.powerState === "unknown") return inputs.networks;
  const devices = [...new Set([...given.keys()].map(String).concat(Object.keys(state.networkUuids)))].sort((a, b) => Number(a) - Number(b));
  const observed = devices.flatMap((device) => {
    const uuid = state.networkUuids[device];
    const wanted = given[Number(device)];
    if (uuid === undefined) return [];
    if (wanted && (recorded[device] === uuid || wanted.network === uuid)) return [wanted];
    return [compact({ network: uuid, expectedCidr: wanted?.expectedCidr })];
  });
  return observed;
}
