/** The typed spec, options and state of an XCP-ng Lua VM (shared by the provider and `createVm`). */
import type { LuaVersionInfo } from "../../lua";
import type { SshHostKey } from "../../cloud-init";
import type { XcpngCloudInitSpec } from "./cloud-init";

/** One VIF: the network it joins and, optionally, the CIDR its guest address must fall in. */
export interface XcpngNicSpec {
  /** network uuid or unique name_label */
  network: string;
  /** e.g. "10.0.0.0/24"; an address outside it is not accepted as the VIF's address */
  expectedCidr?: string;
}

/** A data disk beyond the template's: its own VDI, destroyed with the VM, grown never shrunk. */
export interface XcpngDiskSpec {
  /** size in GiB (grow only) */
  sizeGiB: number;
  /** SR uuid or name_label; default the pool's default SR (fixed at creation) */
  sr?: string;
  /** VDI name_label; default "<VM name> data <slot>" (fixed at creation unless given) */
  name?: string;
}

/** One data disk as observed, in the order of the spec's list (its slot). */
export interface XcpngDiskState {
  slot: number;
  sizeGiB: number;
  name: string;
  srUuid: string;
  vdiUuid: string;
}

/** How to log in to the guest. */
export interface XcpngSshSpec {
  user: string;
  /** guest sshd port (22 on real guests; the simulator's guest port in tests) */
  port: number;
  /** private key text (secret; never logged) */
  privateKey: string;
  /** `SHA256:…` pin; without it a freshly created VM's key is trusted on first use and recorded */
  hostKeyFingerprint?: string;
}

/** The desired VM. */
export interface XcpngLuaVmSpec {
  /** ownership identity written to `other_config["bioxen:owner"]` */
  owner: string;
  /** VM name_label (updatable) */
  name: string;
  /** template uuid or unique name_label (replace) */
  template: string;
  /** "clone": fast copy-on-write; "copy": full copy to `sr` (replace) */
  cloneMode: "clone" | "copy";
  /** SR uuid or name_label for copy and provisioning (replace); default the pool's default SR */
  sr?: string;
  vcpus: number;
  memoryMiB: number;
  /** root disk size; grows only; undefined keeps the template's */
  diskGiB?: number;
  /** VCPUs_max (room for live vCPU hot-plug); default: vcpus when halted, left alone when running */
  maxVcpus?: number;
  /** memory_static_max in MiB (room for live memory growth); default: memoryMiB when halted */
  maxMemoryMiB?: number;
  /** data disks beyond the template's, slot 0, 1, … in order */
  disks?: XcpngDiskSpec[];
  /** VM name_description; undefined leaves it alone */
  description?: string;
  /** VIFs, device 0, 1, … in order; device 0's address is the SSH address */
  networks: XcpngNicSpec[];
  ssh: XcpngSshSpec;
  /** Lua interpreter name or path; default: the first of lua5.4, lua, lua5.3, lua5.1, luajit */
  luaInterpreter?: string;
  /** user tags (the owner tag `bioxen-luavm` is added on top) */
  tags: string[];
  powerState: "running" | "halted";
  /** halting a running VM is allowed to apply vCPU, memory or disk changes */
  allowRestart: boolean;
  /** uuid of an existing VM to take over instead of cloning */
  adopt?: string;
  /** per-VM identity through a cloud-init config drive, attached before the first boot (created VMs only) */
  cloudInit?: XcpngCloudInitSpec;
  /** host name_label or uuid the VM starts on when it can (VM.affinity); "" clears it; undefined leaves it alone */
  affinityHost?: string;
}

/** Deadlines (ms) and cancellation for one lifecycle call. */
export interface XcpngLifecycleOptions {
  /** clone/copy, provision, resources, VIFs, start (default 600 000) */
  createMs?: number;
  /** guest address + SSH + Lua after start (default 300 000) */
  readyMs?: number;
  /** shutdown + destroy (default 300 000) */
  deleteMs?: number;
  /** per-phase limits (ms), each failing with its own error; see {@link XcpngPhaseTimeouts} */
  phases?: XcpngPhaseTimeouts;
  /** update only: reboot the running VM (clean, hard fallback) after applying the spec */
  reboot?: boolean;
  signal?: AbortSignal;
  /** progress lines (no secrets), e.g. for logs */
  onProgress?: (message: string) => void;
}

/** Per-phase deadlines in ms (each also bounded by createMs / readyMs). */
export interface XcpngPhaseTimeouts {
  /** clone/copy + provisioning */
  clone?: number;
  /** VM.start (and the reboot of rebootTrigger) */
  start?: number;
  /** guest address reported by the guest tools */
  address?: number;
  /** SSH answering with the expected host key */
  ssh?: number;
  /** the Lua interpreter answering */
  lua?: number;
}

/** What the VM is, as observed. */
export interface XcpngLuaVmState {
  vmUuid: string;
  name: string;
  /** Running → "running", Halted → "halted"; Paused/Suspended reported lower-cased */
  powerState: string;
  vcpus: number;
  memoryMiB: number;
  /** root disk size in GiB (fractional when not a whole number) */
  diskGiB: number;
  /** the root disk's VDI lists `resize_online` in its allowed_operations: its SR grows it while the VM runs */
  rootDiskResizeOnline?: boolean;
  /** VM name_description */
  description?: string;
  /** VCPUs_max: the live vCPU ceiling */
  vcpusMax?: number;
  /** memory_static_max in MiB: the live memory ceiling */
  memoryMaxMiB?: number;
  /** data disks found attached to the VM, by slot (one detached or destroyed outside is missing) */
  disks?: XcpngDiskState[];
  /** user tags, sorted */
  tags: string[];
  /** device 0's address (the SSH address), when known */
  ipAddress?: string;
  /** addresses by VIF device */
  addresses: Record<string, string>;
  /** network uuid per VIF device */
  networkUuids: Record<string, string>;
  /** the verified SSH host key (recorded at first use) */
  hostKeyFingerprint?: string;
  /** the Lua found on the guest */
  lua?: LuaVersionInfo;
  /** the VM was taken over with `adopt` */
  adopted: boolean;
  /** the resource instance whose marker the VM carries (`bioxen:instance`); absent for a VM created by 0.1.0 */
  instance?: string;
  /** uuid of the cloud-init config drive's VDI (destroyed with the VM) */
  configDriveVdiUuid?: string;
  /** the host key handed to the guest through cloud-init (secret: its private half) */
  cloudInitHostKey?: SshHostKey;
  /** uuid of the VM's affinity host, absent when it has none */
  affinityHostUuid?: string;
  /** name_label of the VM's affinity host (as read in this client's session), absent when it has none */
  affinityHostName?: string;
  /** uuid of the host the VM runs on, absent when it is not running */
  residentOnUuid?: string;
}
