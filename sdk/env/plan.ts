/**
 * The resource plan of an environment: which resources exist, their names, inputs and
 * dependencies, as pure data. Names and inputs of a resource derive only from its own entry (and
 * the entries it names), so reordering the file or adding an entry changes no other resource.
 * The Pulumi program turns each plan entry into a resource of `kind`.
 */
import { networkName } from "./check-references";
import { expandVms, type VmInstance } from "./instances";
import { packageResourceName, placePackages, type PackagePlacement } from "./placements";
import type { EnvironmentSpec, SecretRef, ValueOrRef, VmNetworkSpec } from "./types";

/** The provider resource types a plan uses. */
export type ResourceKind = "VmNetwork" | "LocalLua" | "XcpngLuaVM" | "LuaPackage";

/** An input taken from another planned resource's output, e.g. `{ref: "vm:web-0", output: "sshTarget"}`. */
export interface OutputRef {
  ref: string;
  output: string;
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

/** One resource to create: its kind, its stable name, its inputs and the resources it needs first. */
export interface ResourcePlan {
  kind: ResourceKind;
  /** `net:<name>`, `local:<name>`, `vm:<name>` / `vm:<name>-<i>`, `pkg:<instance>/<rock>`, `pkg:local:<name>/<rock>`. */
  name: string;
  /** Inputs; may contain {@link OutputRef}s and {@link SecretRef}s. Absent options are omitted. */
  args: Record<string, unknown>;
  /** Names of planned resources this one depends on, sorted. */
  dependsOn: string[];
}

const KIND_ORDER: readonly ResourceKind[] = ["VmNetwork", "LocalLua", "XcpngLuaVM", "LuaPackage"];

/**
 * Plans the resources of a VALIDATED environment (from {@link parseEnvironment} or
 * {@link loadEnvironmentFile}); sorted by kind (dependencies first), then by name.
 */
export function planEnvironment(spec: EnvironmentSpec): ResourcePlan[] {
  const instances = expandVms(spec);
  const plans = [
    ...Object.keys(spec.networks ?? {}).map((name) => planNetwork(spec, name)),
    ...Object.keys(spec.local ?? {}).map((name) => planLocal(spec, name)),
    ...instances.map((instance) => planVm(spec, instance)),
    ...placePackages(spec, instances).map(planPackage),
  ];
  return plans.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compare(a.name, b.name));
}

/** The resource name of a VM instance. */
export function vmResourceName(instance: VmInstance): string {
  return `vm:${instance.name}`;
}

function planNetwork(spec: EnvironmentSpec, name: string): ResourcePlan {
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

function planLocal(spec: EnvironmentSpec, name: string): ResourcePlan {
  const local = spec.local![name];
  return { kind: "LocalLua", name: `local:${name}`, args: compact({ interpreter: local.interpreter, tree: local.tree }), dependsOn: [] };
}

function planVm(spec: EnvironmentSpec, instance: VmInstance): ResourcePlan {
  const vm = spec.vms![instance.key];
  const networks = (vm.networks ?? []).map(vifArgs);
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
      networks: vm.networks && networks,
      ssh: compact({ user: vm.ssh.user, privateKey: { ...vm.ssh.privateKey }, port: vm.ssh.port }),
      luaInterpreter: vm.lua,
      tags: vm.tags && [...vm.tags].sort(compare),
      powerState: vm.powerState,
    }),
    dependsOn: unique((vm.networks ?? []).map(networkName).filter((n): n is string => n !== undefined).map((n) => `net:${n}`)),
  };
}

function planPackage(placement: PackagePlacement): ResourcePlan {
  const { host, spec } = placement;
  const target: OutputRef = host.kind === "vm" ? { ref: vmResourceName(host.instance), output: "sshTarget" } : { ref: `local:${host.name}`, output: "target" };
  return {
    kind: "LuaPackage",
    name: packageResourceName(placement),
    args: compact({
      target,
      name: spec.name,
      version: spec.version,
      constraint: spec.constraint,
      servers: spec.servers && [...spec.servers],
      tree: spec.tree === undefined || spec.tree === "system" || spec.tree === "user" ? spec.tree : { path: spec.tree },
    }),
    dependsOn: [target.ref],
  };
}

function vifArgs(entry: VmNetworkSpec): Record<string, unknown> {
  const name = networkName(entry);
  const network: OutputRef | string = name !== undefined ? { ref: `net:${name}`, output: "networkUuid" } : (entry as { poolNetwork: string }).poolNetwork;
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
  }) as unknown as ConnectionArgs;
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
