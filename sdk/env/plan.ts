/**
 * The resource plan of an environment: which resources exist, their names, inputs and
 * dependencies, as pure data. Names and inputs of a resource derive only from its own entry (and
 * the entries it names), so reordering the file or adding an entry changes no other resource.
 * The Pulumi program turns each plan entry into a resource of `kind`.
 */
import { networkName } from "./check-references";
import { expandVms, type VmInstance } from "./instances";
import { lockedDependencies, type EnvironmentLock } from "./lock";
import { packageResourceName, placePackages, type PackagePlacement } from "./placements";
import type { CloudInitSpec, EnvVmOptions, EnvVmSpec, EnvironmentSpec, SecretRef, ValueOrRef, VmNetworkSpec } from "./types";

/**
 * Outputs of planned resources that other plan entries take as inputs, by kind (named as the
 * resources' outputs; provider/environment/plan-binding.ts checks them against the classes).
 */
export interface PlannedOutputs {
  VmNetwork: "networkUuid";
  LocalLua: "target";
  XcpngLuaVM: "sshTarget";
  LuaPackage: never;
}

/** The provider resource types a plan uses. */
export type ResourceKind = keyof PlannedArgs;

/** An input taken from an output of another planned resource of kind `K`, e.g. `{ref: "vm:web-0", output: "sshTarget"}`. */
export interface OutputRef<K extends ResourceKind = ResourceKind> {
  ref: string;
  output: PlannedOutputs[K];
}

/**
 * Connection inputs, named as the resources' `connection` input: plain values or references
 * ({config}/{env}) the program resolves; the password is always a reference. `tls` of the file
 * becomes `tlsFingerprint` or `caFile` (a relative `caFile` is resolved by the program).
 */
export interface ConnectionArgs {
  url: ValueOrRef;
  username: ValueOrRef;
  password: SecretRef;
  tlsFingerprint?: string;
  caFile?: string;
}

/** Planned inputs of a VmNetwork (named as VmNetworkArgs). */
export interface VmNetworkPlanArgs {
  connection: ConnectionArgs;
  name: string;
  description?: string;
  mtu?: number;
  vlan?: { pifDevice: string; tag: number };
}

/** Planned inputs of a LocalLua (named as LocalLuaArgs; the program adds `projectDir`). */
export interface LocalLuaPlanArgs {
  interpreter?: string;
  tree?: string;
}

/** Planned inputs of an XcpngLuaVM (named as XcpngLuaVmArgs). */
export interface XcpngLuaVmPlanArgs extends EnvVmOptions {
  connection: ConnectionArgs;
  template?: string;
  name: string;
  vcpus?: number;
  memoryMiB?: number;
  diskGiB?: number;
  /** A network of the file by reference, a pool network by name. */
  networks: { network: OutputRef<"VmNetwork"> | string; expectedCidr?: string }[];
  ssh: { user: string; privateKey: SecretRef; port?: number; hostKeyFingerprint?: string };
  luaInterpreter?: string;
  tags?: string[];
  powerState?: "running" | "halted";
  /** As written in the file (a deep copy). */
  cloudInit?: CloudInitSpec;
}

/** Planned inputs of a LuaPackage (named as LuaPackageArgs). */
export interface LuaPackagePlanArgs {
  target: OutputRef<"XcpngLuaVM"> | OutputRef<"LocalLua">;
  name: string;
  version?: string;
  constraint?: string;
  servers?: string[];
  tree?: "system" | "user" | { path: string };
  /** With a lock: the rocks this one depends on at their locked versions, in install order. */
  dependencies?: { name: string; version: string }[];
}

/** The planned inputs of each resource kind: the one table the plan's types derive from. */
export interface PlannedArgs {
  VmNetwork: VmNetworkPlanArgs;
  LocalLua: LocalLuaPlanArgs;
  XcpngLuaVM: XcpngLuaVmPlanArgs;
  LuaPackage: LuaPackagePlanArgs;
}

/** One resource to create: its kind, its stable name, its inputs (typed by kind) and the resources it needs first. */
export type ResourcePlan<K extends ResourceKind = ResourceKind> = {
  [P in K]: {
    kind: P;
    /** `net:<name>`, `local:<name>`, `vm:<name>` / `vm:<name>-<i>`, `pkg:<instance>/<rock>`, `pkg:local:<name>/<rock>`. */
    name: string;
    /** Inputs; may contain {@link OutputRef}s and {@link SecretRef}s. Absent options are omitted. */
    args: PlannedArgs[P];
    /** Names of planned resources this one depends on, sorted. */
    dependsOn: string[];
  };
}[K];

const KIND_ORDER: readonly ResourceKind[] = ["VmNetwork", "LocalLua", "XcpngLuaVM", "LuaPackage"];

/**
 * Plans the resources of a VALIDATED environment (from {@link parseEnvironment} or
 * {@link loadEnvironmentFile}); sorted by kind (dependencies first), then by name. With its
 * `lock` (checked against it by loading), every package asks for exactly its locked version.
 */
export function planEnvironment(spec: EnvironmentSpec, lock?: EnvironmentLock): ResourcePlan[] {
  const instances = expandVms(spec);
  const plans = [
    ...Object.keys(spec.networks ?? {}).map((name) => planNetwork(spec, name)),
    ...Object.keys(spec.local ?? {}).map((name) => planLocal(spec, name)),
    ...instances.map((instance) => planVm(spec, instance)),
    ...placePackages(spec, instances).map((placement) => planPackage(placement, lock)),
  ];
  return plans.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compare(a.name, b.name));
}

/** The resource name of a VM instance. */
export function vmResourceName(instance: VmInstance): string {
  return `vm:${instance.name}`;
}

function planNetwork(spec: EnvironmentSpec, name: string): ResourcePlan<"VmNetwork"> {
  const network = spec.networks![name];
  return {
    kind: "VmNetwork",
    name: `net:${name}`,
    args: compact({
      connection: connectionArgs(spec, network.connection),
      name,
      description: network.description,
      mtu: network.mtu,
      vlan: network.vlan && { pifDevice: network.vlan.pifDevice, tag: network.vlan.tag },
    }),
    dependsOn: [],
  };
}

function planLocal(spec: EnvironmentSpec, name: string): ResourcePlan<"LocalLua"> {
  const local = spec.local![name];
  return { kind: "LocalLua", name: `local:${name}`, args: compact({ interpreter: local.interpreter, tree: local.tree }), dependsOn: [] };
}

function planVm(spec: EnvironmentSpec, instance: VmInstance): ResourcePlan<"XcpngLuaVM"> {
  const vm = spec.vms![instance.key];
  return {
    kind: "XcpngLuaVM",
    name: vmResourceName(instance),
    args: compact({
      connection: connectionArgs(spec, vm.connection),
      template: vm.template,
      name: instance.name,
      vcpus: vm.vcpus,
      memoryMiB: vm.memoryMiB,
      diskGiB: vm.diskGiB,
      networks: (vm.networks ?? []).map(vifArgs),
      ssh: compact({ user: vm.ssh.user, privateKey: { ...vm.ssh.privateKey }, port: vm.ssh.port, hostKeyFingerprint: vm.ssh.hostKeyFingerprint }),
      luaInterpreter: vm.lua,
      tags: vm.tags && [...vm.tags].sort(compare),
      powerState: vm.powerState,
      cloudInit: vm.cloudInit && structuredClone(vm.cloudInit),
      ...vmOptionArgs(vm),
    }),
    dependsOn: unique((vm.networks ?? []).map(networkName).filter((n): n is string => n !== undefined).map((n) => `net:${n}`)),
  };
}

/** The XcpngLuaVM options of issue #15 (clone mode and SR, adoption, disks, live-change ceilings, restart, reboot trigger, description, timeouts, affinity host) as written. */
function vmOptionArgs(vm: EnvVmSpec): EnvVmOptions {
  return compact({
    cloneMode: vm.cloneMode,
    sr: vm.sr,
    adopt: vm.adopt,
    allowRestart: vm.allowRestart,
    maxVcpus: vm.maxVcpus,
    maxMemoryMiB: vm.maxMemoryMiB,
    disks: vm.disks?.map((d) => compact({ ...d })),
    description: vm.description,
    rebootTrigger: vm.rebootTrigger,
    timeouts: vm.timeouts && { ...vm.timeouts },
    affinityHost: vm.affinityHost,
  });
}

function planPackage(placement: PackagePlacement, lock: EnvironmentLock | undefined): ResourcePlan<"LuaPackage"> {
  const { host, spec } = placement;
  const locked = lock?.packages[spec.name];
  const dependencies = lock && locked !== undefined ? lockedDependencies(lock, spec.name) : [];
  const target: LuaPackagePlanArgs["target"] = host.kind === "vm" ? { ref: vmResourceName(host.instance), output: "sshTarget" } : { ref: `local:${host.name}`, output: "target" };
  return {
    kind: "LuaPackage",
    name: packageResourceName(placement),
    args: compact({
      target,
      name: spec.name,
      version: locked ?? spec.version,
      constraint: locked === undefined ? spec.constraint : undefined,
      servers: spec.servers && [...spec.servers],
      tree: treeArg(spec.tree),
      dependencies: dependencies.length > 0 ? dependencies : undefined,
    }),
    dependsOn: [target.ref],
  };
}

/** A package's `tree` as written: "system", "user" or a folder. */
function treeArg(tree: string | undefined): LuaPackagePlanArgs["tree"] {
  return tree === undefined || tree === "system" || tree === "user" ? tree : { path: tree };
}

function vifArgs(entry: VmNetworkSpec): XcpngLuaVmPlanArgs["networks"][number] {
  const name = networkName(entry);
  const network: OutputRef<"VmNetwork"> | string = name !== undefined ? { ref: `net:${name}`, output: "networkUuid" } : (entry as { poolNetwork: string }).poolNetwork;
  return compact({ network, expectedCidr: typeof entry === "string" ? undefined : entry.expectedCidr });
}

function connectionArgs(spec: EnvironmentSpec, name: string): ConnectionArgs {
  const connection = spec.connections![name];
  return compact({
    url: copy(connection.url),
    username: copy(connection.username),
    password: { ...connection.password },
    tlsFingerprint: connection.tls && "fingerprint256" in connection.tls ? connection.tls.fingerprint256 : undefined,
    caFile: connection.tls && "caFile" in connection.tls ? connection.tls.caFile : undefined,
  });
}

function copy(value: ValueOrRef): ValueOrRef {
  return typeof value === "string" ? value : { ...value };
}

/** Drops undefined fields so an absent option is absent, not `undefined`, in the plan. */
function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort(compare);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
