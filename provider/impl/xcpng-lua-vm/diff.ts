/**
 * XcpngLuaVM diff: what replaces (template, cloneMode, sr, adopt, cloudInit, the pool URL) and what updates
 * in place (everything else but the hidden owner). Refuses, with the fix in the message, a disk
 * shrink and, on a running VM without `allowRestart`, a change that needs a halt (vCPUs or memory
 * beyond the observed live ceilings, a new ceiling, a root disk growth its SR cannot do online).
 * An `affinityHost` naming the observed affinity host by its other name (uuid ↔ name) is no change.
 * Pure: no network; unknown values count as changes (in a replace key: a replace).
 */
import type * as pulumi from "@pulumi/pulumi";
import { changedKeys, isUnknown, reveal, sameValue } from "../../runtime/inputs";
import { DISKS_LIVE_UPDATE_KEYS, haltingChanges, shrunkDisk } from "./disks-live";
import { importedChanges } from "./import";
import { PLACEMENT_INPUT_KEYS, sameAffinityHost } from "./placement";
import { normalizeXcpngInputs } from "./inputs";

/** cloudInit replaces: cloud-init applies it once per instance, at the first boot. */
const REPLACE_KEYS = ["template", "cloneMode", "sr", "adopt", "cloudInit"];
const UPDATE_KEYS = ["name", "vcpus", "memoryMiB", "diskGiB", "networks", "ssh", "luaInterpreter", "tags", "powerState", "allowRestart", "timeouts", ...DISKS_LIVE_UPDATE_KEYS, ...PLACEMENT_INPUT_KEYS];

/** The dynamic provider's diff for XcpngLuaVM (olds = the old outputs). */
export async function diff(id: string, olds: Record<string, unknown>, rawNews: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  const news = normalizeXcpngInputs(rawNews);
  const replaces = changedKeys(olds, news, REPLACE_KEYS);
  if (poolUrlChanged(olds.connection, news.connection)) replaces.push("connection");
  const updates = changedKeys(olds, news, UPDATE_KEYS).filter((key) => !(key === "diskGiB" && diskUnchanged(olds, news)) && !(key === "affinityHost" && sameAffinityHost(olds, news)));
  if (!replaces.includes("connection") && !sameValue(olds.connection, news.connection)) updates.push("connection");
  const { replaces: replacing, updates: updating } = importedChanges(id, olds, news, replaces, updates);
  if (replacing.length === 0) refuseImpossible(id, olds, news, updating);
  return { changes: replacing.length + updating.length > 0, replaces: replacing, deleteBeforeReplace: false };
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
  const shrunk = shrunkDisk(olds, news);
  if (shrunk) throw new Error(`XcpngLuaVM ${id}: ${shrunk}`);
  const needHalt = haltingChanges(olds, news, updates);
  const staysRunning = olds.powerState === "running" && news.powerState !== "halted";
  if (needHalt.length > 0 && staysRunning && news.allowRestart !== true) {
    const why = needHalt.includes("diskGiB") ? " (its root disk's VDI does not allow resize_online: the SR grows it only detached)" : "";
    throw new Error(
      `XcpngLuaVM ${id}: changing ${needHalt.join(", ")} needs the VM halted${why}, and it is running; set allowRestart: true to let it be shut down and started again (or powerState: "halted")`,
    );
  }
}
