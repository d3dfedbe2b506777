/**
 * Where each LuaRocks package goes: the packages of a VM's or local installation's profile,
 * packages written inside it, and top-level package rules expanded over their `vms` selectors,
 * `groups` and `local` names.
 */
import { selectInstances, type VmInstance } from "./instances";
import { profilePackages } from "./profiles";
import type { PathSegment } from "./source";
import type { EnvironmentSpec, PackageSpec } from "./types";

/** What a package is installed on: one VM instance or one local installation. */
export type PackageHost = { kind: "vm"; instance: VmInstance } | { kind: "local"; name: string };

/** One package on one host, with the path of the entry that asked for it. */
export interface PackagePlacement {
  host: PackageHost;
  spec: PackageSpec;
  /** Path of the declaring entry in the file, e.g. ["packages", 2], ["vms", "web", "packages", 0] or ["profiles", "bio", "packages", 1]. */
  origin: PathSegment[];
}

/** The resource name of a package placement: `pkg:<instance>/<rock>` or `pkg:local:<name>/<rock>`. */
export function packageResourceName(placement: PackagePlacement): string {
  return `pkg:${hostLabel(placement.host)}/${placement.spec.name}`;
}

/** `web-0` for a VM instance, `local:dev` for a local installation (as in resource names). */
export function hostLabel(host: PackageHost): string {
  return host.kind === "vm" ? host.instance.name : `local:${host.name}`;
}

/** Every placement of the environment, in file order. Unknown names select nothing (validation reports them). */
export function placePackages(spec: EnvironmentSpec, instances: readonly VmInstance[]): PackagePlacement[] {
  const placements: PackagePlacement[] = [];
  const own = (section: "vms" | "local", key: string, entry: { profile?: string; packages?: PackageSpec[] }) => [
    ...(entry.profile === undefined ? [] : profilePackages(spec, entry.profile)),
    ...(entry.packages ?? []).map((pkg, i) => ({ spec: pkg, origin: [section, key, "packages", i] })),
  ];
  for (const [key, vm] of Object.entries(spec.vms ?? {})) {
    const packages = own("vms", key, vm);
    for (const instance of instances.filter((candidate) => candidate.key === key)) {
      for (const pkg of packages) placements.push({ host: { kind: "vm", instance }, ...pkg });
    }
  }
  for (const [name, local] of Object.entries(spec.local ?? {})) {
    for (const pkg of own("local", name, local)) placements.push({ host: { kind: "local", name }, ...pkg });
  }
  (spec.packages ?? []).forEach((rule, i) => {
    const { vms, groups, local, ...pkg } = rule;
    const selectors = [...(vms ?? []), ...(groups ?? []).flatMap((group) => spec.groups?.[group] ?? [])];
    const chosen = new Map<string, VmInstance>();
    for (const selector of selectors) for (const instance of selectInstances(selector, instances)) chosen.set(instance.name, instance);
    const origin = ["packages", i];
    for (const instance of chosen.values()) placements.push({ host: { kind: "vm", instance }, spec: pkg, origin });
    for (const name of local ?? []) if (spec.local?.[name]) placements.push({ host: { kind: "local", name }, spec: pkg, origin });
  });
  return placements;
}
