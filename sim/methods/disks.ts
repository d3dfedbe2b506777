/** Creating and removing VDIs and VBDs, with SR accounting (shared by VDI.*, VBD.*, VM.clone/copy/provision). */
import { XapiFailure } from "../model/failure";
import { createChild, destroyChild, type ChildLinks } from "../model/links";
import type { XRecord } from "../model/record";
import type { Store } from "../model/store";
import { dropVdiContent } from "../model/vdi-content";

/** Bytes still free on an SR. */
export function srFree(store: Store, sr: string): number {
  const rec = store.get("SR", sr);
  return rec.physical_size - rec.physical_utilisation;
}

/**
 * Throws `SR_FULL [requested, max]` unless `bytes` more fit on the SR.
 * @param bytes the bytes the operation would allocate
 */
export function assertSpace(store: Store, sr: string, bytes: number): void {
  const free = srFree(store, sr);
  if (bytes > free) throw new XapiFailure("SR_FULL", [bytes, free]);
}

/** Recomputes an SR's allocation from its VDIs. */
export function recountSr(store: Store, sr: string): void {
  if (!store.has("SR", sr)) return;
  const vdis = store.all("VDI").filter((o) => o.record.SR === sr);
  store.update("SR", sr, {
    VDIs: vdis.map((o) => o.ref),
    virtual_allocation: vdis.reduce((sum, o) => sum + o.record.virtual_size, 0),
    physical_utilisation: vdis.reduce((sum, o) => sum + o.record.physical_utilisation, 0),
  });
}

/**
 * Creates a VDI on an SR. A copy-on-write clone (`thin`) takes no space until written; any other
 * VDI is allocated in full and must fit.
 */
export function createVdi(store: Store, fields: XRecord, thin = false): string {
  store.get("SR", fields.SR);
  const size = fields.virtual_size;
  if (!thin) assertSpace(store, fields.SR, size);
  const ref = store.create("VDI", {
    ...fields,
    physical_utilisation: thin ? 0 : size,
    location: "",
    managed: true,
  });
  store.update("VDI", ref, { location: store.get("VDI", ref).uuid });
  recountSr(store, fields.SR);
  return ref;
}

/** Destroys a VDI that no VBD uses any more. */
export function destroyVdi(store: Store, vdi: string): void {
  const sr = store.get("VDI", vdi).SR;
  store.destroy("VDI", vdi);
  dropVdiContent(store, vdi);
  recountSr(store, sr);
}

const VBD_LINKS: ChildLinks = { className: "VBD", parents: ["VM", "VDI"], set: "VBDs" };

/** Creates a VBD and links it to its VM and VDI. */
export function createVbd(store: Store, fields: XRecord): string {
  return createChild(store, VBD_LINKS, fields);
}

/** Destroys a VBD and unlinks it. */
export function destroyVbd(store: Store, vbd: string): void {
  destroyChild(store, VBD_LINKS, vbd);
}
