/** Creating and removing VIFs (shared by VIF.*, VM.clone/copy/destroy, network.destroy). */
import { createChild, destroyChild, type ChildLinks } from "../model/links";
import type { XRecord } from "../model/record";
import type { Store } from "../model/store";

const VIF_LINKS: ChildLinks = { className: "VIF", parents: ["VM", "network"], set: "VIFs" };

/** Creates a VIF and links it to its VM and network. */
export function createVif(store: Store, fields: XRecord): string {
  return createChild(store, VIF_LINKS, fields);
}

/** Destroys a VIF and unlinks it. */
export function destroyVif(store: Store, vif: string): void {
  destroyChild(store, VIF_LINKS, vif);
}
