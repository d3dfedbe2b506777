/** XcpngLuaVM's per-phase timeouts (issue #15 item 5): `timeouts.{clone,start,address,ssh,lua}` in seconds → sdk phases in ms. */
import type { XcpngPhaseTimeouts } from "../../../sdk/vm/xcpng";
import { compact } from "../../runtime/inputs";

/** The per-phase keys of `timeouts` (beside the create / ready / delete budgets). */
export const XCPNG_PHASE_KEYS = ["clone", "start", "address", "ssh", "lua"] as const;

/** The sdk's phase limits from the `timeouts` input; undefined when none is set. */
export function phaseTimeouts(timeouts: Partial<Record<string, number>>): XcpngPhaseTimeouts | undefined {
  const phases = compact(Object.fromEntries(XCPNG_PHASE_KEYS.map((key) => [key, timeouts[key] !== undefined ? Number(timeouts[key]) * 1000 : undefined])));
  return Object.keys(phases).length > 0 ? phases : undefined;
}
