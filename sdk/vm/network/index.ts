/** A network of VMs on XAPI (no Pulumi): the network and its VLAN, the VIFs that attach VMs, their addresses. See README.md. */
export { createNetwork, findNetwork, networkUuidOf, observeNetwork, renameNetwork, repairVlan, teardownNetwork, unfinishedNetworks, type NetworkSpec, type ObservedNetwork, type UnfinishedNetwork } from "./network";
export { currentAttachments, ownedVifs, reconcileVifs, waitForAttachments, type AddressWaitOptions, type OwnedVif, type ReconcileOptions } from "./vifs";
export { importNetwork, type ImportedNetwork } from "./import";
export type { AttachSpec, Attachment, VlanSpec } from "./types";
