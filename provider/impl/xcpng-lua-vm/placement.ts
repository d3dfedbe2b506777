/**
 * XcpngLuaVM's placement input `affinityHost` (issue #15 item 2): its check, the spec field
 * (removing the input clears the affinity), and the outputs as observed so a refresh shows an
 * affinity changed outside Pulumi and the next update sets it back. Pure: no network.
 */
import type { XcpngLuaVmSpec, XcpngLuaVmState } from "../../../sdk/vm/xcpng";
import { compact, failure, isUnknown, shown, type CheckFailure } from "../../runtime/inputs";

/** Input keys handled here (updated in place: VM.set_affinity needs no restart). */
export const PLACEMENT_INPUT_KEYS = ["affinityHost"] as const;
/** Computed outputs added here: the affinity host's uuid and name, and the host the VM runs on. */
export const PLACEMENT_OUTPUT_KEYS = ["affinityHostUuid", "affinityHostName", "residentOn"] as const;

/** Check failures of `affinityHost`. */
export function placementFailures(news: Record<string, unknown>): CheckFailure[] {
  const value = news.affinityHost;
  if (value === undefined || isUnknown(value)) return [];
  if (typeof value === "string" && value.trim() !== "" && value.length <= 255) return [];
  return [failure("affinityHost", `must be a host name_label or uuid (1–255 characters), got ${shown(value)}`)];
}

/**
 * The spec's `affinityHost`: the input, or "" (clear the affinity) when an earlier state set one
 * and the input was removed; nothing when it was never managed.
 */
export function placementSpec(news: { affinityHost?: unknown }, olds: { affinityHost?: unknown } = {}): Pick<XcpngLuaVmSpec, "affinityHost"> {
  if (typeof news.affinityHost === "string") return { affinityHost: news.affinityHost };
  return typeof olds.affinityHost === "string" ? { affinityHost: "" } : {};
}

/**
 * The outputs of this file: `affinityHostUuid` and `residentOn` as observed, and `affinityHost`
 * as given while the VM's affinity is still the host it named (or recorded last); otherwise the
 * observed host's uuid ("" for none), which differs from the program and so is updated back.
 */
export function placementOutputs(inputs: Record<string, unknown>, state: XcpngLuaVmState): Record<string, unknown> {
  const given = inputs.affinityHost;
  const observed = state.affinityHostUuid;
  const recorded = inputs.affinityHostUuid;
  // A create or update passes the inputs it just applied (no recorded uuid): they hold. A kept VM that could not be read says nothing.
  const holds = typeof given !== "string" || recorded === undefined || state.powerState === "unknown" || observed === recorded || namesHost(given, observed, state.affinityHostName);
  return compact({
    affinityHost: holds ? given : (observed ?? ""),
    affinityHostUuid: observed,
    affinityHostName: state.affinityHostName,
    residentOn: state.residentOnUuid,
  });
}

/**
 * True when the new `affinityHost` names the host the old outputs observed as the affinity (its
 * uuid or its name): no change, whichever of the two the state or the program holds — an import
 * records the uuid, a program may give the name.
 */
export function sameAffinityHost(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  return typeof news.affinityHost === "string" && namesHost(news.affinityHost, olds.affinityHostUuid, olds.affinityHostName);
}

function namesHost(given: string, uuid: unknown, name: unknown): boolean {
  return (typeof uuid === "string" && uuid.toLowerCase() === given.toLowerCase()) || (typeof name === "string" && name === given);
}
