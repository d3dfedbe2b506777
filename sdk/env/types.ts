/**
 * The environment-file model (format version 1) as it is after validation: plain data, exactly the
 * shape of the file. docs/environments.md describes every field; schema/bioxen-environment.schema.json
 * is the same model for editors.
 */
import type { CloudConfigFile, NicNetworkConfig } from "../cloud-init";
import type { XcpngCloudInitSpec } from "../vm/xcpng/cloud-init";

/** A secret's source: a Pulumi stack config key or an environment variable. Never the secret. */
export type SecretRef = { config: string } | { env: string };

/** A plain value or a reference to where it is found (used for url and username). */
export type ValueOrRef = string | SecretRef;

/** One XCP-ng pool. */
export interface ConnectionSpec {
  url: ValueOrRef;
  username: ValueOrRef;
  password: SecretRef;
  tls?: { fingerprint256: string } | { caFile: string };
}

/** A network bioxen-luavm creates. */
export interface NetworkSpec {
  connection: string;
  description?: string;
  mtu?: number;
  vlan?: { pifDevice: string; tag: number };
}

/** A VIF of a VM, as written: a network name of the file, or an object form. */
export type VmNetworkSpec = string | { network?: string; poolNetwork?: string; expectedCidr?: string };

/** How bioxen-luavm logs in to a VM. */
export interface SshSpec {
  user: string;
  privateKey: SecretRef;
  port?: number;
  /** The VM's host key pin, `SHA256:…` (required with `adopt`). */
  hostKeyFingerprint?: string;
}

/** A LuaRocks package on one VM or local installation. */
export interface PackageSpec {
  name: string;
  version?: string;
  constraint?: string;
  servers?: string[];
  tree?: string;
}

/** A top-level package rule: a package on every selected VM instance and local installation. */
export interface PackageRule extends PackageSpec {
  vms?: string[];
  groups?: string[];
  local?: string[];
}

/** One NIC's static network settings for cloud-init (network-config version 2), as sdk/cloud-init takes them. */
export type CloudInitNicSpec = NicNetworkConfig;

/** A file cloud-init writes at the first boot, as sdk/cloud-init takes it. */
export type CloudInitFileSpec = CloudConfigFile;

/** Per-VM identity through a cloud-init config drive: the XcpngLuaVM `cloudInit` input, its host key named. */
export type CloudInitSpec = Omit<XcpngCloudInitSpec, "hostKey"> & { hostKey?: "generate" | "template" };

/** A Lua VM on XCP-ng, or `count` of them. */
export interface EnvVmSpec extends EnvVmOptions {
  connection: string;
  /** Required unless `adopt` (checked by validation). */
  template?: string;
  count?: number;
  vcpus?: number;
  memoryMiB?: number;
  diskGiB?: number;
  networks?: VmNetworkSpec[];
  ssh: SshSpec;
  lua?: string;
  tags?: string[];
  powerState?: "running" | "halted";
  cloudInit?: CloudInitSpec;
  /** A profile (under `profiles`) whose packages every instance gets. */
  profile?: string;
  packages?: PackageSpec[];
}

/** The XcpngLuaVM options of issue #15 a VM may set, written as the resource's inputs. */
export interface EnvVmOptions {
  cloneMode?: "clone" | "copy";
  sr?: string;
  /** uuid of an existing VM to take over instead of cloning (one instance, no cloudInit, a pinned host key). */
  adopt?: string;
  allowRestart?: boolean;
  maxVcpus?: number;
  maxMemoryMiB?: number;
  disks?: EnvVmDiskSpec[];
  description?: string;
  rebootTrigger?: string | number;
  timeouts?: EnvVmTimeouts;
  /** Host name_label or uuid the instances start on (XcpngLuaVM `affinityHost`). */
  affinityHost?: string;
}

/** A data disk of a VM (XcpngLuaVM `disks`). */
export interface EnvVmDiskSpec {
  sizeGiB: number;
  sr?: string;
  name?: string;
}

/** XcpngLuaVM `timeouts`, in seconds. */
export interface EnvVmTimeouts {
  create?: number;
  ready?: number;
  delete?: number;
  clone?: number;
  start?: number;
  address?: number;
  ssh?: number;
  lua?: number;
}

/** A Lua installation on the machine running the deployment. */
export interface LocalLuaSpec {
  interpreter?: string;
  tree?: string;
  /** A profile (under `profiles`) whose packages go into this installation's tree. */
  profile?: string;
  packages?: PackageSpec[];
}

/** A named set of packages, optionally adding to another profile (`extends`). */
export interface ProfileSpec {
  extends?: string;
  packages?: PackageSpec[];
}

/** A whole environment file. */
export interface EnvironmentSpec {
  version: 1;
  connections?: Record<string, ConnectionSpec>;
  networks?: Record<string, NetworkSpec>;
  groups?: Record<string, string[]>;
  vms?: Record<string, EnvVmSpec>;
  local?: Record<string, LocalLuaSpec>;
  profiles?: Record<string, ProfileSpec>;
  packages?: PackageRule[];
}
