/**
 * XcpngLuaVM diff: what replaces (template, cloneMode, sr, adopt, the pool URL) and what updates
 * in place (everything else but the hidden owner). Refuses, with the fix in the message, a disk
 * shrink and a vCPU/memory/disk change on a running VM without `allowRestart`.
 * Pure: no network; unknown values count as changes (in a replace key: a replace).
 */
import type * as pulumi from "@pulumi/pulumi";
import { changedKeys, isUnknown, reveal, sameValue } from "../../runtime/inputs";
import { normalizeXcpngInputs } from "./inputs";

const REPLACE_KEYS = ["template", "cloneMode", "sr", "adopt"];
const UPDATE_KEYS = ["name", "vcpus", "memoryMiB", "diskGiB", "networks", "ssh", "luaInterpreter", "tags", "powerState", "allowRestart", "timeouts"];
const HALT_KEYS = ["vcpus", "memoryMiB", "diskGiB"];

/** The dynamic provider's diff for XcpngLuaVM (olds = the old outputs). */
export async function diff(id: string, olds: Record<string, unknown>, rawNews: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const news = normalizeXcpngInputs(rawNews);
  const replaces = changedKeys(olds, news, REPLACE_KEYS);
  if (poolUrlChanged(olds.connection, news.connection)) replaces.push("connection");
  const updates = changedKeys(olds, news, UPDATE_KEYS).filter((key) => !(key === "diskGiB" && diskUnchanged(olds, news)));
  if (!replaces.includes("connection") && !sameValue(olds.connection, news.connection)) updates.push("connection");
  if (replaces.length === 0) refuseImpossible(id, olds, news, updates);
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}

function poolUrlChanged(olds: unknown, news: unknown): boolean {
  if (isUnknown(news)) return true;
  const oldUrl = reveal<{ url?: string } | undefined>(olds)?.url;
  const newUrl = reveal<{ url?: string } | undefined>(news)?.url;
  return isUnknown(newUrl) || oldUrl !== newUrl;
}

/** A diskGiB input equal to or below the grown size already reported is no change (grow-only). */
function diskUnchanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  return typeof news.diskGiB === "number" && typeof olds.rootDiskGiB === "number" && news.diskGiB === olds.rootDiskGiB;
}

function refuseImpossible(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, updates: string[]): void {
  if (typeof news.diskGiB === "number" && typeof olds.rootDiskGiB === "number" && news.diskGiB < olds.rootDiskGiB) {
    throw new Error(`XcpngLuaVM ${id}: diskGiB ${news.diskGiB} is smaller than the root disk (${olds.rootDiskGiB} GiB); disks only grow — keep diskGiB ≥ ${olds.rootDiskGiB} or replace the VM`);
  }
  const needHalt = updates.filter((key) => HALT_KEYS.includes(key) && !isUnknown(news[key]));
  const staysRunning = olds.powerState === "running" && news.powerState !== "halted";
  if (needHalt.length > 0 && staysRunning && news.allowRestart !== true) {
    throw new Error(
      `XcpngLuaVM ${id}: changing ${needHalt.join(", ")} needs the VM halted, and it is running; set allowRestart: true to let it be shut down and started again (or powerState: "halted")`,
    );
  }
}
