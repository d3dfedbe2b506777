/** The `currently_attached` rules shared by VBD.* and VIF.* (destroy, plug, unplug). */
import { XapiFailure } from "../model/failure";
import type { Store } from "../model/store";
import { setVbdAttached } from "./vdi-operations";

/** A class of device that is plugged into a VM. */
export type DeviceClass = "VBD" | "VIF";

/** Throws `OPERATION_NOT_ALLOWED` while the device is attached (it must be unplugged before destroy). */
export function assertDetached(store: Store, className: DeviceClass, ref: string): void {
  if (store.get(className, ref).currently_attached) throw new XapiFailure("OPERATION_NOT_ALLOWED", [`${className} ${ref} is attached; unplug it first`]);
}

/** Marks the device plugged or unplugged; throws `DEVICE_ALREADY_ATTACHED` / `DEVICE_ALREADY_DETACHED` if it already is. */
export function setAttached(store: Store, className: DeviceClass, ref: string, attached: boolean): void {
  if (Boolean(store.get(className, ref).currently_attached) === attached) {
    throw new XapiFailure(attached ? "DEVICE_ALREADY_ATTACHED" : "DEVICE_ALREADY_DETACHED", [ref]);
  }
  if (className === "VBD") setVbdAttached(store, ref, attached);
  else store.update(className, ref, { currently_attached: attached });
}
