/** The shapes of a VM network on XAPI: the VLAN it is tagged with, the VMs attached, what they report. */

/** One VM to attach: its uuid and, optionally, the CIDR its address on this network must fall in. */
export interface AttachSpec {
  /** uuid of the VM (typically an XcpngLuaVM's `vmUuid`). */
  vmUuid: string;
  /** e.g. "10.0.0.0/24"; the address wait accepts only an address inside it. */
  expectedCidr?: string;
}

/** The VLAN a network is tagged with, on every host of the pool. */
export interface VlanSpec {
  /** Device of the master's physical PIF, e.g. "eth0"; the VLAN tags that PIF's network on every host. */
  pifDevice: string;
  /** VLAN tag 0–4094. */
  tag: number;
  /** Observed only: names of the hosts whose VLAN PIF is missing (removed outside); an update makes it again. */
  missingOn?: string[];
}

/** One VM's VIF on the network, as reported. */
export interface Attachment {
  vmUuid: string;
  vifUuid: string;
  /** VIF device number on the VM ("0", "1", …). */
  device: string;
  /** The guest's usable address on this VIF, when the VM runs and its agent reports one. */
  address?: string;
}
