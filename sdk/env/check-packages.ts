/**
 * Package checks beyond the schema: names, versions, constraints, servers and trees through the
 * same validators sdk/rocks applies before running luarocks, and one declaration per package and host.
 */
import { RockInputError, validateConstraint, validateRockName, validateRockVersion, validateServer, validateTreePath } from "../rocks";
import { expandVms } from "./instances";
import { hostLabel, packageResourceName, placePackages, type PackagePlacement } from "./placements";
import type { Report } from "./report";
import { dotted, type PathSegment, type SourceDocument } from "./source";
import type { EnvironmentSpec, PackageSpec } from "./types";

/** Reports invalid package fields and packages declared twice for the same host. */
export function checkPackages(spec: EnvironmentSpec, source: SourceDocument, report: Report): void {
  for (const { origin, pkg, local } of packageDeclarations(spec)) {
    checkFields(pkg, origin, report);
    if (local && pkg.tree !== undefined) {
      report([...origin, "tree"], "packages of a local installation go into its own tree; set tree on the local installation instead");
    }
  }
  const placements = placePackages(spec, expandVms(spec));
  checkProfileTrees(placements, report);
  checkDuplicates(placements, source, report);
}

/** One package entry as written, with the path of the entry and whether it is meant for local installations. */
export interface PackageDeclaration {
  origin: PathSegment[];
  pkg: PackageSpec;
  local: boolean;
}

/** Every package entry as written (once, however many hosts it reaches), profiles' included. */
export function packageDeclarations(spec: EnvironmentSpec): PackageDeclaration[] {
  return [
    ...Object.entries(spec.vms ?? {}).flatMap(([key, vm]) => (vm.packages ?? []).map((pkg, i) => ({ origin: ["vms", key, "packages", i], pkg, local: false }))),
    ...Object.entries(spec.local ?? {}).flatMap(([name, lua]) => (lua.packages ?? []).map((pkg, i) => ({ origin: ["local", name, "packages", i], pkg, local: true }))),
    ...Object.entries(spec.profiles ?? {}).flatMap(([name, profile]) =>
      (profile.packages ?? []).map((pkg, i) => ({ origin: ["profiles", name, "packages", i], pkg, local: false })),
    ),
    ...(spec.packages ?? []).map((pkg, i) => ({ origin: ["packages", i], pkg, local: pkg.local !== undefined })),
  ];
}

/** A profile package with a `tree` cannot go to a local installation (its packages use its own tree). */
function checkProfileTrees(placements: readonly PackagePlacement[], report: Report): void {
  const reported = new Set<string>();
  for (const { host, spec, origin } of placements) {
    if (host.kind !== "local" || origin[0] !== "profiles" || spec.tree === undefined || reported.has(dotted(origin))) continue;
    reported.add(dotted(origin));
    report([...origin, "tree"], `this profile reaches local installation "${host.name}", whose packages go into its own tree; drop tree here or use another profile there`);
  }
}

function checkFields(pkg: PackageSpec, origin: PathSegment[], report: Report): void {
  const field = (name: string, check: () => unknown) => {
    try {
      check();
    } catch (error) {
      if (!(error instanceof RockInputError)) throw error;
      report([...origin, name], `invalid ${name} ${JSON.stringify(error.value)}: ${ruleOf(error)}`);
    }
  };
  field("name", () => validateRockName(pkg.name));
  if (pkg.version !== undefined) field("version", () => validateRockVersion(pkg.version));
  if (pkg.constraint !== undefined) field("constraint", () => validateConstraint(pkg.constraint));
  if (pkg.version !== undefined && pkg.constraint !== undefined) {
    report([...origin, "constraint"], "give either version (an exact pin) or constraint (a range), not both");
  }
  pkg.servers?.forEach((server, i) => {
    try {
      validateServer(server);
    } catch (error) {
      if (!(error instanceof RockInputError)) throw error;
      report([...origin, "servers", i], `invalid server ${JSON.stringify(server)}: ${ruleOf(error)}`);
    }
  });
  if (pkg.tree !== undefined && pkg.tree !== "system" && pkg.tree !== "user") field("tree", () => validateTreePath(pkg.tree));
}

/** The "what a valid value looks like" part of a RockInputError ("a version is …"). */
function ruleOf(error: RockInputError): string {
  const prefix = `invalid LuaRocks ${error.field} ${JSON.stringify(error.value)}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

function checkDuplicates(placements: readonly PackagePlacement[], source: SourceDocument, report: Report): void {
  const first = new Map<string, PackagePlacement>();
  // One message per pair of clashing entries, listing every host they clash on.
  const clashes = new Map<string, { placement: PackagePlacement; earlier: PackagePlacement; hosts: string[] }>();
  for (const placement of placements) {
    const name = packageResourceName(placement);
    const earlier = first.get(name);
    if (!earlier) {
      first.set(name, placement);
      continue;
    }
    const key = `${dotted(placement.origin)}|${dotted(earlier.origin)}`;
    const clash = clashes.get(key) ?? { placement, earlier, hosts: [] };
    clash.hosts.push(hostLabel(placement.host));
    clashes.set(key, clash);
  }
  for (const { placement, earlier, hosts } of clashes.values()) {
    const where = source.issueAt(earlier.origin, "");
    report(
      placement.origin,
      `package "${placement.spec.name}" is already declared for ${hosts.join(", ")} by ${dotted(earlier.origin)} (${where.file}:${where.line}:${where.column}); declare each package once per VM or local installation`,
    );
  }
}
