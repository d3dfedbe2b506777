/**
 * VmNetwork: a private network or a VLAN on a PIF of the pool master, with an MTU, and the VMs
 * attached to it (VIFs hot-plugged on running VMs). Outputs the network uuid, its bridge and
 * each attached VM's address on it.
 */
import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider, implSpecifier } from "./shim";
import { ownerOf } from "./runtime/owner";
import type { ConnectionInput } from "./runtime/connections";

/** One VM to attach to the network. */
export interface VmNetworkAttachArgs {
  /** uuid of the VM, typically an XcpngLuaVM's `vmUuid` output. */
  vmUuid: pulumi.Input<string>;
  /** CIDR the VM's address on this network must fall in, e.g. "10.10.0.0/24"; an IPv6 CIDR admits IPv6 addresses. */
  expectedCidr?: pulumi.Input<string>;
}

/** A VLAN on a physical PIF of the pool master. */
export interface VmNetworkVlanArgs {
  /** Device of the physical PIF, e.g. "eth0". */
  pifDevice: pulumi.Input<string>;
  /** VLAN tag, 0–4094. */
  tag: pulumi.Input<number>;
}

/** Limits in seconds (Pulumi's customTimeouts do not reach dynamic providers). */
export interface VmNetworkTimeoutsArgs {
  /** Whole create or update (default 600). */
  create?: pulumi.Input<number>;
  /** Waiting for each running attached VM's address (default 180). */
  ready?: pulumi.Input<number>;
  /** Whole delete (default 300). */
  delete?: pulumi.Input<number>;
}

/** Inputs of {@link VmNetwork}. */
export interface VmNetworkArgs {
  /** Per-resource XAPI connection (another pool); missing fields come from the `bioxen:xapi*` stack config. Changing `url` replaces the network. */
  connection?: pulumi.Input<{ [K in keyof ConnectionInput]?: pulumi.Input<ConnectionInput[K]> }>;
  /** Network name_label (changed in place). */
  name: pulumi.Input<string>;
  /** Network name_description (changed in place, default ""). */
  description?: pulumi.Input<string>;
  /** MTU, 68–9216 (default 1500). A change replaces the network: XAPI applies a network's MTU only to VIFs plugged later. */
  mtu?: pulumi.Input<number>;
  /** Make it a VLAN network on the master's PIF `pifDevice` with `tag` (else a private, host-internal network). A change replaces it. */
  vlan?: pulumi.Input<VmNetworkVlanArgs>;
  /** VMs to attach (order does not matter; changes are applied live). */
  attach?: pulumi.Input<pulumi.Input<VmNetworkAttachArgs>[]>;
  /** Operation limits in seconds. */
  timeouts?: pulumi.Input<VmNetworkTimeoutsArgs>;
}

/** One attached VM as reported. */
export interface VmNetworkAttachment {
  /** The VM's uuid. */
  vmUuid: string;
  /** The VIF's uuid. */
  vifUuid: string;
  /** The VIF device number on the VM ("0", "1", …). */
  device: string;
  /** The guest's address on this network (when the VM runs and its guest agent reports one). */
  address?: string;
}

/** The one provider instance of VmNetwork (serialized once per program). */
const provider = dynamicProvider(implSpecifier("vm-network"));

/** A private or VLAN network on an XCP-ng pool with VMs attached to it. */
export class VmNetwork extends pulumi.dynamic.Resource {
  /** The network's uuid (= the resource id). */
  declare readonly networkUuid: pulumi.Output<string>;
  /** The bridge XAPI gave the network, e.g. "xapi3". */
  declare readonly bridge: pulumi.Output<string>;
  /** The attached VMs with their VIFs and addresses, in `attach` order. */
  declare readonly attachments: pulumi.Output<VmNetworkAttachment[]>;
  /** The network name. */
  declare readonly name: pulumi.Output<string>;
  /** The MTU. */
  declare readonly mtu: pulumi.Output<number>;

  /**
   * @param name the Pulumi resource name
   * @param args network and attachments
   * @param opts resource options (additionalSecretOutputs always includes `connection`)
   */
  constructor(name: string, args: VmNetworkArgs, opts: pulumi.CustomResourceOptions = {}) {
    const owner = ownerOf(pulumi.getProject(), pulumi.getStack(), "VmNetwork", name);
    super(
      provider,
      name,
      { ...args, __owner: owner, networkUuid: undefined, bridge: undefined, attachments: undefined },
      { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), "connection"] },
      "bioxen",
      "VmNetwork",
    );
  }
}
