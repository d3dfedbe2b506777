/** XAPI recipes: the steps that create, change and remove VMs, VIFs and networks on a pool. */
export { NULL_REF, isRealRef, type RecipeClient, type WaitOptions } from "./client";
export { XapiRecipeError, hasXapiCode, isGone, xapiErrorCode, xapiErrorParams, type RecipeErrorContext } from "./errors";
export {
  ownerMarkerKey,
  instanceMarkerKey,
  stateMarkerKey,
  selfMarkerKey,
  vifVmMarkerKey,
  markerPrefix,
  ownerTag,
  findOwned,
  findUnfinished,
  assertOwned,
  checkOwner,
  claimOf,
  claimProblem,
  ownedOtherConfig,
  withoutMarkers,
  writeMarker,
  setMarkerState,
} from "./ownership";
export type { OwnedClass, OwnedObject, AssertOwnedOptions, Claim, MarkerState } from "./ownership";
export { ownClaimOf } from "./marker-claim";
export { findTemplate, type FoundTemplate } from "./template";
export { cloneFromTemplate, type CloneOptions } from "./clone";
export { provisionVm, type ProvisionOptions } from "./provision";
export { rewriteProvisionSr, listProvisionDisks, type ProvisionDisk } from "./provision-xml";
export { installVm, type InstallVmOptions } from "./install";
export { setVcpus, planVcpuSteps, type VcpuStep } from "./vcpus";
export { setMemory, planMemoryLimits, MIN_MEMORY_BYTES, type MemoryLimits } from "./memory";
export { growRootDisk, growVdi, growsOnline, growsOnlyDetached, findRootDisk, type RootDisk, type DiskResize, type GrowableVdi } from "./disk";
export { createVif, destroyVif, type CreateVifOptions, type DestroyVifOptions } from "./vif";
export { startVm, shutdownVm, readPowerStateByUuid, type ShutdownOptions, type ShutdownOutcome } from "./power";
export { readPoolUuid } from "./pool";
export { listHosts, resolveHost, hostOf, type PoolHost } from "./host";
export { destroyVm, destroyOrphanVdis, type DestroyVmOptions, type DestroyVmResult } from "./destroy-vm";
export { waitForGuestAddresses, type GuestAddressWait, type GuestAddresses } from "./guest-wait";
export { pickGuestAddress, reportedAddresses, isLinkLocal, parseCidr, type Cidr } from "./guest-addresses";
export { createPrivateNetwork, createVlanNetwork, destroyNetwork } from "./network";
export { vlanGaps, restoreVlan, type VlanGap, type VlanCoverage } from "./vlan-hosts";
export type { PrivateNetworkOptions, VlanNetworkOptions, VlanNetwork, DestroyNetworkOptions } from "./network";
export { resolveRef } from "./refs";
export { attachConfigDrive, type AttachConfigDriveOptions, type ConfigDriveAttachment, type UploadClient } from "./config-drive";
export { createDataDisk, attachDataDisk, listDataDisks, findDetachedDataDisk, growDataDisk, removeDataDisk, destroyDetachedDataDisks, dataDiskSlotsOf, defaultSrRef, diskSlotMarkerKey, dataDiskSlotsKey, type DataDisk, type DataDiskOptions } from "./data-disk";
export { setVcpusLive, setMemoryLive, rebootVm, liveLimitsOf, vcpusFitLive, memoryFitsLive, type LiveLimits, type RebootOutcome } from "./live";
