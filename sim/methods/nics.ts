/** Creating and removing VIFs (shared by VIF.*, VM.clone/copy/destroy, network.destroy). */
import { addToSet, removeFromSet } from "../model/links";
import type { XRecord } from "../model/record";
import type { Store } from "../model/store";

/** Creates a VIF and links it to its VM and network. */
export function createVif(store: Store, fields: XRecord): string {
  const ref = store.create("VIF", fields);
  addToSet(store, "VM", fields.VM, "VIFs", ref);
  addToSet(store, "network", fields.network, "VIFs", ref);
  return ref;
}

/** Destroys a VIF and unlinks it. */
export function destroyVif(store: Store, vif: string): void {
  const rec = store.get("VIF", vif);
  store.destroy("VIF", vif);
  removeFromSet(store, "VM", rec.VM, "VIFs", vif);
  removeFromSet(store, "network", rec.network, "VIFs", vif);
}
