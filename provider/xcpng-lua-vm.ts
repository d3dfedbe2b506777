/**
 * XcpngLuaVM: an XCP-ng VM cloned from a template (or adopted), running, reachable over SSH with
 * a pinned host key, with Lua checked. The lifecycle lives in sdk/vm/xcpng; this file is only
 * the Pulumi resource class and its one shared provider instance.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConnectionInput } from "./runtime/connections";
import { ownerOf } from "./runtime/owner";
import type { TargetSpec } from "./runtime/ssh-target";
import { dynamicProvider, implSpecifier } from "./shim";

/** One VIF of the VM. */
export interface XcpngLuaVmNetworkArgs {
  /** network uuid or unique name_label */
  network: pulumi.Input<string>;
  /** CIDR the guest address of this VIF must fall in (e.g. "10.0.0.0/24") */
  expectedCidr?: pulumi.Input<string>;
}

/** How to log in to the VM. Wrap it in `pulumi.secret` or pass privateKey as a secret; the class marks it secret anyway. */
export interface XcpngLuaVmSshArgs {
  /** login user (default `bioxen:sshUser`) */
  user?: pulumi.Input<string>;
  /** sshd port (default `bioxen:sshPort`, else 22) */
  port?: pulumi.Input<number>;
  /** private key text (secret; default `bioxen:sshPrivateKey`) */
  privateKey?: pulumi.Input<string>;
  /** `SHA256:…` host key pin; without it the key of a VM this resource created is trusted on first use and recorded (required with adopt) */
  hostKeyFingerprint?: pulumi.Input<string>;
}

/** Timeouts in seconds (Pulumi's customTimeouts do not reach dynamic providers). */
export interface XcpngLuaVmTimeoutsArgs {
  /** clone, provision, resources, VIFs, start (default 600) */
  create?: pulumi.Input<number>;
  /** address + SSH + Lua after start (default 300) */
  ready?: pulumi.Input<number>;
  /** shutdown + destroy; the clean shutdown gets half (default 300) */
  delete?: pulumi.Input<number>;
  /** phase limit, within create: clone/copy + provisioning (its error names the SR and tasks to check) */
  clone?: pulumi.Input<number>;
  /** phase limit: VM.start, and the reboot of rebootTrigger (its error names host memory and tasks) */
  start?: pulumi.Input<number>;
  /** phase limit, within ready: the guest address (its error names guest tools and DHCP) */
  address?: pulumi.Input<number>;
  /** phase limit, within ready: SSH with the expected host key (its error names sshd and the firewall) */
  ssh?: pulumi.Input<number>;
  /** phase limit, within ready: the Lua interpreter answering (its error names the template's Lua) */
  lua?: pulumi.Input<number>;
}

/** A data disk beyond the template's: its own VDI, destroyed with the VM. */
export interface XcpngLuaVmDiskArgs {
  /** size in GiB; grows only (online where the SR allows, else a halt: see allowRestart) */
  sizeGiB: pulumi.Input<number>;
  /** SR name or uuid (default the pool's default SR; fixed at creation) */
  sr?: pulumi.Input<string>;
  /** VDI name (default "<VM name> data <index>") */
  name?: pulumi.Input<string>;
}

/** One NIC of `cloudInit.networkConfig` (network-config version 2), matched by device name or MAC. */
export interface XcpngLuaVmCloudInitNicArgs {
  /** interface name (default eth<index>) */
  device?: pulumi.Input<string>;
  /** match the NIC by MAC address */
  mac?: pulumi.Input<string>;
  /** ask DHCP (IPv4) for an address */
  dhcp?: pulumi.Input<boolean>;
  /** static addresses in CIDR form */
  addresses?: pulumi.Input<pulumi.Input<string>[]>;
  /** default IPv4 gateway */
  gateway?: pulumi.Input<string>;
  /** default IPv6 gateway */
  gateway6?: pulumi.Input<string>;
  /** DNS servers */
  dns?: pulumi.Input<pulumi.Input<string>[]>;
  /** DNS search domains */
  searchDomains?: pulumi.Input<pulumi.Input<string>[]>;
}

/** One file of `cloudInit.writeFiles`. */
export interface XcpngLuaVmCloudInitFileArgs {
  /** absolute path in the guest */
  path: pulumi.Input<string>;
  /** the content (base64 with encoding "b64") */
  content: pulumi.Input<string>;
  /** octal mode string, e.g. "0644" */
  permissions?: pulumi.Input<string>;
  /** user:group */
  owner?: pulumi.Input<string>;
  /** "b64" when content is base64 */
  encoding?: pulumi.Input<"b64">;
  /** append rather than replace */
  append?: pulumi.Input<boolean>;
}

/** Per-VM identity through cloud-init (NoCloud config drive attached before the first boot). Any change replaces the VM. */
export interface XcpngLuaVmCloudInitArgs {
  /** the user the keys are for (default: ssh.user) */
  user?: pulumi.Input<string>;
  /** public key lines allowed to log in (default: the public half of the SSH private key in use) */
  authorizedKeys?: pulumi.Input<pulumi.Input<string>[]>;
  /** hostname (default: the VM name as a hostname) */
  hostname?: pulumi.Input<string>;
  /** static addresses per NIC (network-config v2) */
  networkConfig?: pulumi.Input<pulumi.Input<XcpngLuaVmCloudInitNicArgs>[]>;
  /** cloud-init disable_root (default true unless the user is root) */
  disableRoot?: pulumi.Input<boolean>;
  /** packages to install at first boot */
  packages?: pulumi.Input<pulumi.Input<string>[]>;
  /** commands to run at first boot (a shell line or an argv list each) */
  runcmd?: pulumi.Input<pulumi.Input<string | string[]>[]>;
  /** files to write at first boot */
  writeFiles?: pulumi.Input<pulumi.Input<XcpngLuaVmCloudInitFileArgs>[]>;
  /** more cloud-config keys merged in (object or YAML mapping; none may repeat a generated key or set a password); values are any cloud-config value */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a cloud-config value is any YAML value; `unknown` would not take an environment file's planned mapping
  extraUserData?: pulumi.Input<Record<string, any> | string>;
  /** raw user-data used whole instead (then pin ssh.hostKeyFingerprint, or hostKey "template") */
  userData?: pulumi.Input<string>;
  /** "generate" (default): a per-VM ed25519 host key pinned before the first boot; "template": the image's keys, trusted on first use */
  hostKey?: pulumi.Input<"generate" | "template">;
}

/** Inputs of {@link XcpngLuaVM}. */
export interface XcpngLuaVmArgs {
  /** per-resource XAPI connection; missing fields come from `bioxen:xapi*` config (a change of url replaces) */
  connection?: pulumi.Input<{ [K in keyof ConnectionInput]?: pulumi.Input<ConnectionInput[K]> }>;
  /** template name or uuid (replace); required unless `adopt` */
  template?: pulumi.Input<string>;
  /** "clone" (default, fast copy-on-write) or "copy" (full copy to `sr`) (replace) */
  cloneMode?: pulumi.Input<"clone" | "copy">;
  /** SR name or uuid for copy and provisioning (replace); default the pool's default SR */
  sr?: pulumi.Input<string>;
  /** VM name_label (updated in place); default the resource name */
  name?: pulumi.Input<string>;
  /** vCPUs (default 1; live up to VCPUs_max, beyond it a halt: see allowRestart) */
  vcpus?: pulumi.Input<number>;
  /** memory in MiB (default 1024; live within the static range, beyond it a halt: see allowRestart) */
  memoryMiB?: pulumi.Input<number>;
  /** root disk size in GiB; grows only (needs a halt) */
  diskGiB?: pulumi.Input<number>;
  /** VIFs in device order; device 0 carries SSH */
  networks: pulumi.Input<pulumi.Input<XcpngLuaVmNetworkArgs>[]>;
  /** SSH login settings */
  ssh?: pulumi.Input<XcpngLuaVmSshArgs>;
  /** Lua interpreter name or path (default: first of lua5.4, lua, lua5.3, lua5.1, luajit) */
  luaInterpreter?: pulumi.Input<string>;
  /** tags (order and duplicates do not matter) */
  tags?: pulumi.Input<pulumi.Input<string>[]>;
  /** data disks beyond the template's, in order; removing one destroys it */
  disks?: pulumi.Input<pulumi.Input<XcpngLuaVmDiskArgs>[]>;
  /** VCPUs_max: vCPUs up to it change on a running VM without a halt (a new value needs one) */
  maxVcpus?: pulumi.Input<number>;
  /** memory_static_max in MiB: memory up to it changes on a running VM without a halt (a new value needs one) */
  maxMemoryMiB?: pulumi.Input<number>;
  /** VM description (name_description); drift is shown on refresh */
  description?: pulumi.Input<string>;
  /** any change (after the first value) reboots the running VM: clean reboot, hard when the guest cannot */
  rebootTrigger?: pulumi.Input<string | number>;
  /** "running" (default) or "halted" */
  powerState?: pulumi.Input<"running" | "halted">;
  /** let an update shut a running VM down for what cannot change live (default false: such changes are refused) */
  allowRestart?: pulumi.Input<boolean>;
  /** timeouts in seconds */
  timeouts?: pulumi.Input<XcpngLuaVmTimeoutsArgs>;
  /** uuid of an existing VM to take over instead of cloning (replace); it is destroyed on delete like any other */
  adopt?: pulumi.Input<string>;
  /** cloud-init config drive (replace); not with adopt */
  cloudInit?: pulumi.Input<XcpngLuaVmCloudInitArgs>;
  /**
   * host name_label or uuid the VM starts on when that host is up (VM.affinity); changed in place
   * without a restart, removing it clears the affinity. Checked before anything is created: an
   * unknown host, or a private network shared with VMs placed on another host, is refused.
   */
  affinityHost?: pulumi.Input<string>;
}

/** The one provider instance of XcpngLuaVM (serialized once per program). */
const provider = dynamicProvider(implSpecifier("xcpng-lua-vm"));

/** An XCP-ng VM running Lua, reachable over SSH. Type token `pulumi-nodejs:dynamic/bioxen:XcpngLuaVM`. */
export class XcpngLuaVM extends pulumi.dynamic.Resource {
  /** the VM's uuid (= id) */
  declare readonly vmUuid: pulumi.Output<string>;
  /** device 0's guest address (SSH address) */
  declare readonly ipAddress: pulumi.Output<string | undefined>;
  /** guest addresses by VIF device */
  declare readonly addresses: pulumi.Output<Record<string, string>>;
  /** the verified SSH host key, `SHA256:…` */
  declare readonly hostKeyFingerprint: pulumi.Output<string | undefined>;
  /** Lua release found, e.g. "5.4.6" */
  declare readonly luaVersion: pulumi.Output<string | undefined>;
  /** Lua language version, e.g. "5.4" */
  declare readonly luaLanguageVersion: pulumi.Output<string | undefined>;
  /** the interpreter command in use */
  declare readonly luaCommand: pulumi.Output<string | undefined>;
  /** observed power state: "running", "halted", … */
  declare readonly powerState: pulumi.Output<string>;
  /** observed vCPUs */
  declare readonly vcpus: pulumi.Output<number>;
  /** observed memory, MiB */
  declare readonly memoryMiB: pulumi.Output<number>;
  /** observed root disk size, GiB */
  declare readonly rootDiskGiB: pulumi.Output<number>;
  /** the root disk's VDI allows `resize_online`: a diskGiB growth needs no halt while the VM runs */
  declare readonly rootDiskResizeOnline: pulumi.Output<boolean | undefined>;
  /** observed VCPUs_max (the live vCPU ceiling) */
  declare readonly vcpusMax: pulumi.Output<number>;
  /** observed memory_static_max, MiB (the live memory ceiling) */
  declare readonly memoryMaxMiB: pulumi.Output<number>;
  /** observed network uuid per VIF device */
  declare readonly networkUuids: pulumi.Output<Record<string, string>>;
  /** where Lua runs, for LuaPackage & co (secret when it carries the private key) */
  declare readonly sshTarget: pulumi.Output<TargetSpec | undefined>;
  /** the VM was taken over with `adopt` */
  declare readonly adopted: pulumi.Output<boolean>;
  /** uuid of the cloud-init config drive's VDI (destroyed with the VM) */
  declare readonly configDriveVdiUuid: pulumi.Output<string | undefined>;
  /** observed uuid of the affinity host (absent: none) */
  declare readonly affinityHostUuid: pulumi.Output<string | undefined>;
  /** observed name_label of the affinity host (absent: none) */
  declare readonly affinityHostName: pulumi.Output<string | undefined>;
  /** uuid of the host the VM runs on (absent when not running) */
  declare readonly residentOn: pulumi.Output<string | undefined>;
  /** the host key generated for cloud-init: { privateKey, publicKey, fingerprint } (secret) */
  declare readonly cloudInitHostKey: pulumi.Output<{ privateKey: string; publicKey: string; fingerprint: string } | undefined>;

  /**
   * @param name resource name (also the default VM name)
   * @param args inputs
   * @param opts resource options (customTimeouts have no effect: use `timeouts`)
   */
  constructor(name: string, args: XcpngLuaVmArgs, opts: pulumi.CustomResourceOptions = {}) {
    const owner = ownerOf(pulumi.getProject(), pulumi.getStack(), "XcpngLuaVM", name);
    const outputs = { vmUuid: undefined, ipAddress: undefined, addresses: undefined, hostKeyFingerprint: undefined, luaVersion: undefined, luaLanguageVersion: undefined, luaCommand: undefined, sshTarget: undefined, adopted: undefined, rootDiskGiB: undefined, rootDiskResizeOnline: undefined, configDriveVdiUuid: undefined, cloudInitHostKey: undefined, vcpusMax: undefined, memoryMaxMiB: undefined, networkUuids: undefined, affinityHostUuid: undefined, affinityHostName: undefined, residentOn: undefined };
    const inputs = {
      ...args,
      name: args.name ?? name,
      ...(args.connection !== undefined ? { connection: pulumi.secret(args.connection) } : {}),
      ...(args.ssh !== undefined ? { ssh: pulumi.secret(args.ssh) } : {}),
      __owner: owner,
    };
    super(provider, name, { ...inputs, ...outputs }, { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), "connection", "ssh", "sshTarget", "cloudInitHostKey"] }, "bioxen", "XcpngLuaVM");
  }
}
