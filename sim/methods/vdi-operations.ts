/**
 * VDI.allowed_operations as xapi's update_allowed_operations computes them (xapi_vdi.ml
 * check_operation_error), for the VDI operations the simulator models: `resize_online` when the
 * SR's driver advertises VDI_RESIZE_ONLINE (attached or not: it is a live operation); `resize`
 * (VDI_RESIZE) and `destroy` only while no VBD of the VDI is attached. Recomputed on every change
 * of the VDI and whenever one of its VBDs is plugged or unplugged (VM start/shutdown, VBD.plug/unplug).
 */
import type { XRecord } from "../model/record";
import type { Store } from "../model/store";
import { hasSmFeature } from "./sm-features";

/** The operations that pass their checks now, in xapi's order. */
function allowedOperations(store: Store, vdi: XRecord): string[] {
  const attached = (vdi.VBDs as string[]).some((vbd) => store.has("VBD", vbd) && store.get("VBD", vbd).currently_attached);
  const sr = vdi.SR as string;
  if (!store.has("SR", sr)) return [];
  return [
    hasSmFeature(store, sr, "VDI_RESIZE_ONLINE") ? ["resize_online"] : [],
    !attached && hasSmFeature(store, sr, "VDI_RESIZE") ? ["resize"] : [],
    !attached ? ["destroy"] : [],
  ].flat();
}

/** Keeps every VDI's allowed_operations current. */
export function deriveVdiOperations(store: Store): void {
  store.derive("VDI", (_ref, record) => ({ allowed_operations: allowedOperations(store, record) }));
}

/** Plugs or unplugs a VBD (currently_attached) and recomputes its VDI's allowed_operations. */
export function setVbdAttached(store: Store, vbd: string, attached: boolean): void {
  store.update("VBD", vbd, { currently_attached: attached });
  const vdi = store.get("VBD", vbd).VDI as string;
  if (store.has("VDI", vdi)) store.update("VDI", vdi, {});
}
