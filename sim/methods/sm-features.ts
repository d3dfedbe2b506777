/**
 * The storage-driver features xapi checks before a VDI operation (xapi_vdi.ml
 * `check_sm_feature_error`: the SM object of the SR's type must advertise the feature, else
 * `SR_OPERATION_NOT_SUPPORTED [sr]`). Only the features the simulator's operations need.
 */
import { XapiFailure } from "../model/failure";
import type { Store } from "../model/store";

/** A feature an SM driver advertises in `SM.features`. */
export type SmFeature = "VDI_RESIZE" | "VDI_RESIZE_ONLINE";

/**
 * Features by SR type. Every file and block driver resizes a detached VDI; the simulated NFS
 * driver also resizes an attached one, as a backend with VDI_RESIZE_ONLINE does on an xapi that
 * has VDI.resize_online again (datamodel "26.16.1-next"); the local ext driver does not.
 */
const FEATURES: Record<string, readonly SmFeature[]> = {
  ext: ["VDI_RESIZE"],
  lvm: ["VDI_RESIZE"],
  lvmoiscsi: ["VDI_RESIZE"],
  lvmohba: ["VDI_RESIZE"],
  xfs: ["VDI_RESIZE"],
  zfs: ["VDI_RESIZE"],
  smb: ["VDI_RESIZE"],
  nfs: ["VDI_RESIZE", "VDI_RESIZE_ONLINE"],
};

/** Whether the driver of SR `sr` advertises `feature`. */
export function hasSmFeature(store: Store, sr: string, feature: SmFeature): boolean {
  return (FEATURES[store.get("SR", sr).type] ?? []).includes(feature);
}

/** Throws `SR_OPERATION_NOT_SUPPORTED [sr]` unless the driver of SR `sr` has `feature`. */
export function assertSmFeature(store: Store, sr: string, feature: SmFeature): void {
  if (!hasSmFeature(store, sr, feature)) throw new XapiFailure("SR_OPERATION_NOT_SUPPORTED", [sr]);
}
