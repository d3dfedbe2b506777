/**
 * The property shapes of the VmNetwork dynamic resource as the provider sees them: normalized
 * inputs (after check) and outputs (inputs + what XAPI reports), with their defaults.
 */

/** One VM to attach: its uuid and, optionally, the CIDR its address on this network must fall in. */
export interface AttachSpec {
  /** uuid of the VM (typically an XcpngLuaVM's `vmUuid`). */
  vmUuid: string;
  /** e.g. "10.0.0.0/24"; the address wait accepts only an address inside it. */
  expectedCidr?: string;
}

/** The VLAN a network is tagged with on the pool master's physical PIF. */
export interface VlanSpec {
  /** Device of the physical PIF, e.g. "eth0". */
  pifDevice: string;
  /** VLAN tag 0–4094. */
  tag: number;
}

/** Per-operation limits in seconds (Pulumi's customTimeouts never reach dynamic providers). */
export interface VmNetworkTimeouts {
  /** Whole create or update, seconds. */
  create?: number;
  /** Waiting for each running VM's address on the network, seconds. */
  ready?: number;
  /** Whole delete, seconds. */
  delete?: number;
}

/** Normalized inputs (what check returns; defaults applied). */
export interface VmNetworkInputs {
  /** Per-resource XAPI connection (shape owned by provider/runtime/connections). */
  connection?: Record<string, unknown>;
  name: string;
  description: string;
  mtu: number;
  vlan?: VlanSpec;
  attach: AttachSpec[];
  timeouts?: VmNetworkTimeouts;
  /** The ownership identity (provider/runtime/owner). */
  __owner: string;
  /** The resource instance (`bioxen:instance` of its network's and VIFs' markers); absent in state written by 0.1.0. */
  __instance?: string;
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

/** Outputs: the inputs plus the network's uuid, bridge and attachments. */
export interface VmNetworkOutputs extends VmNetworkInputs {
  networkUuid: string;
  bridge: string;
  attachments: Attachment[];
}

/** Defaults and limits of the inputs. */
export const VM_NETWORK_DEFAULTS = {
  mtu: 1500,
  createSeconds: 600,
  readySeconds: 180,
  deleteSeconds: 300,
} as const;

/** Accepted MTU range (68 is IPv4's minimum; 9216 the largest jumbo frame switches carry). */
export const MTU_RANGE = { min: 68, max: 9216 } as const;

/** Output keys the provider computes (not inputs); the resource class passes them as `undefined` placeholders. */
export const COMPUTED_KEYS = ["networkUuid", "bridge", "attachments"] as const;
