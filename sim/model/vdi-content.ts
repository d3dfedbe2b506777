/**
 * The bytes written into simulated VDIs (by `PUT /import_raw_vdi`), per simulator store. A VDI
 * without written bytes reads as zeros; reads past what was written are zeros too.
 */
import type { Store } from "./store";

const contents = new WeakMap<Store, Map<string, Buffer>>();

function contentsOf(store: Store): Map<string, Buffer> {
  let map = contents.get(store);
  if (!map) contents.set(store, (map = new Map()));
  return map;
}

/** Records `bytes` as the VDI's content from offset 0 (what a raw import does). */
export function writeVdiContent(store: Store, vdi: string, bytes: Buffer): void {
  contentsOf(store).set(vdi, bytes);
}

/** The VDI's content up to the last written byte (empty when nothing was written). */
export function readVdiContent(store: Store, vdi: string): Buffer {
  return contentsOf(store).get(vdi) ?? Buffer.alloc(0);
}

/** Forgets a destroyed VDI's content. */
export function dropVdiContent(store: Store, vdi: string): void {
  contentsOf(store).delete(vdi);
}
