/**
 * Package profiles: named package sets that VMs and local installations take with `profile:`,
 * and that may extend one another (`extends:`). A profile's packages are its parent's, with a
 * package of its own replacing an inherited one of the same name.
 */
import { knownNames, type Report } from "./report";
import type { PathSegment } from "./source";
import type { EnvironmentSpec, PackageSpec } from "./types";

/** One package of a profile and the path of the entry declaring it (in this profile or an ancestor). */
export interface ProfilePackage {
  spec: PackageSpec;
  origin: PathSegment[];
}

/**
 * The packages of profile `name`, its ancestors' included, in declaration order (ancestors
 * first). An unknown name or a cycle ends the walk (validation reports both).
 */
export function profilePackages(spec: EnvironmentSpec, name: string): ProfilePackage[] {
  const chain: string[] = [];
  for (let current: string | undefined = name; current !== undefined && spec.profiles?.[current] && !chain.includes(current); ) {
    chain.unshift(current);
    current = spec.profiles[current].extends;
  }
  const byName = new Map<string, ProfilePackage>();
  for (const profile of chain) {
    (spec.profiles![profile].packages ?? []).forEach((pkg, i) => {
      byName.delete(pkg.name);
      byName.set(pkg.name, { spec: pkg, origin: ["profiles", profile, "packages", i] });
    });
  }
  return [...byName.values()];
}

/** Reports unknown profiles (in `profile:` and `extends:`) and every `extends` cycle, once each. */
export function checkProfiles(spec: EnvironmentSpec, report: Report): void {
  const profiles = spec.profiles ?? {};
  const names = Object.keys(profiles);
  const requireProfile = (path: PathSegment[], name: string | undefined) => {
    if (name !== undefined && !profiles[name]) report(path, `unknown profile "${name}"; ${knownNames("profiles", names)}`);
  };
  for (const [key, vm] of Object.entries(spec.vms ?? {})) requireProfile(["vms", key, "profile"], vm.profile);
  for (const [key, local] of Object.entries(spec.local ?? {})) requireProfile(["local", key, "profile"], local.profile);
  for (const [name, profile] of Object.entries(profiles)) requireProfile(["profiles", name, "extends"], profile.extends);

  const reported = new Set<string>();
  for (const name of names) {
    const cycle = cycleFrom(spec, name);
    if (!cycle || reported.has(cycle[0])) continue;
    cycle.forEach((member) => reported.add(member));
    report(["profiles", cycle[0], "extends"], `profiles extend each other in a cycle: ${[...cycle, cycle[0]].join(" → ")}; remove one of these extends`);
  }
}

/** The cycle reached from `start` by following `extends`, starting at its first member in file order; undefined when none. */
function cycleFrom(spec: EnvironmentSpec, start: string): string[] | undefined {
  const seen: string[] = [];
  for (let current: string | undefined = start; current !== undefined && spec.profiles?.[current]; current = spec.profiles[current].extends) {
    const at = seen.indexOf(current);
    if (at >= 0) {
      const cycle = seen.slice(at);
      const order = Object.keys(spec.profiles);
      const first = cycle.reduce((a, b) => (order.indexOf(a) <= order.indexOf(b) ? a : b));
      const shift = cycle.indexOf(first);
      return [...cycle.slice(shift), ...cycle.slice(0, shift)];
    }
    seen.push(current);
  }
  return undefined;
}
