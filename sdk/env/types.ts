/**
 * The environment-file model (format version 1) as it is after validation: plain data, exactly the
 * shape of the file. docs/environments.md describes every field; schema/bioxen-environment.schema.json
 * is the same model for editors.
 */

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

/** A Lua VM on XCP-ng, or `count` of them. */
export interface EnvVmSpec {
  connection: string;
  template: string;
  count?: number;
  vcpus?: number;
  memoryMiB?: number;
  diskGiB?: number;
  networks?: VmNetworkSpec[];
  ssh: SshSpec;
  lua?: string;
  tags?: string[];
  powerState?: "running" | "halted";
  /** A profile (under `profiles`) whose packages every instance gets. */
  profile?: string;
  packages?: PackageSpec[];
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
