/**
 * The lock file of an environment file (`<file>.lock`, committed next to it): the exact version
 * of every package the file declares and of every rock those depend on, one per rock name, and
 * which rocks each depends on (the order they are installed in). Reading it checks its own shape (issues
 * located in the lock file) and that it still satisfies the environment file (issues located at
 * the declaration the lock no longer fits, or at the lock entry nothing declares any more).
 */
import { basename } from "node:path";
import { RockInputError, requestTerms, satisfiesConstraint, validateRockName, validateRockVersion } from "../rocks";
import { packageDeclarations } from "./check-packages";
import type { EnvironmentIssue } from "./errors";
import { parseSource, type SourceDocument } from "./source";
import type { EnvironmentSpec } from "./types";

/** A lock file's content: rock name → exact version ("1.0-1"), and rock name → the rocks it depends on. */
export interface EnvironmentLock {
  /** The lock file's name as given (for messages). */
  file: string;
  /** Declared rocks and their dependencies. */
  packages: Readonly<Record<string, string>>;
  /** The rocks (of `packages`) each rock depends on; rocks without dependencies are absent. */
  dependencies: Readonly<Record<string, readonly string[]>>;
}

/**
 * The locked dependencies of `rock`, transitively, each once, in the order to install them (a
 * rock after the rocks it depends on); `rock` itself is not among them.
 */
export function lockedDependencies(lock: EnvironmentLock, rock: string): { name: string; version: string }[] {
  const ordered: string[] = [];
  const visit = (name: string, path: readonly string[]) => {
    if (ordered.includes(name) || path.includes(name)) return; // a cycle: luarocks installs such rocks in any order too
    for (const dependency of lock.dependencies[name] ?? []) visit(dependency, [...path, name]);
    ordered.push(name);
  };
  visit(rock, []);
  return ordered.filter((name) => name !== rock).map((name) => ({ name, version: lock.packages[name]! }));
}

/** The lock file of environment file `path`: `<path>.lock`. */
export function lockFileOf(path: string): string {
  return `${path}.lock`;
}

/**
 * The text of the lock file for environment file `environmentFile` (only its base name is
 * written): rock names sorted, versions quoted, so the same versions always give the same bytes.
 */
export function formatLock(environmentFile: string, packages: Readonly<Record<string, string>>, dependencies: EnvironmentLock["dependencies"] = {}): string {
  const name = basename(environmentFile);
  const lines = sorted(Object.keys(packages)).map((rock) => `  ${rock}: ${JSON.stringify(packages[rock])}`);
  const edges = sorted(Object.keys(dependencies)).map((rock) => `  ${rock}: ${JSON.stringify(sorted(dependencies[rock]!))}`);
  return [
    `# The exact version of every package of ${name} and of every rock they depend on: written by \`bioxen-luavm lock ${name}\`; commit it next to ${name}.`,
    "version: 1",
    lines.length === 0 ? "packages: {}" : "packages:",
    ...lines,
    ...(edges.length === 0 ? [] : ["dependencies:", ...edges]),
    "",
  ].join("\n");
}

/** Sorted by code unit, as the same bytes on every machine need (not by locale). */
function sorted(names: readonly string[]): string[] {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A parsed lock file: its content when valid, its issues, and its source for locating entries. */
export interface LockCheck {
  lock?: EnvironmentLock;
  issues: EnvironmentIssue[];
  source: SourceDocument;
}

/** Parses and checks the shape of a lock file's `text` (`file` names it in messages). */
export function parseLock(text: string, file: string): LockCheck {
  const source = parseSource(text, file);
  if (source.issues.length > 0) return { issues: source.issues, source };
  const value = source.value as Record<string, unknown> | null;
  const issues: EnvironmentIssue[] = [];
  const rerun = "write it again with `bioxen-luavm lock`";
  if (!isMapping(value)) return { issues: [source.issueAt([], `expected a lock file (version: 1, packages: …); ${rerun}`)], source };
  if (value.version !== 1) issues.push(source.issueAt(["version"], `expected version: 1; ${rerun}`));
  for (const key of Object.keys(value).filter((k) => k !== "version" && k !== "packages" && k !== "dependencies")) {
    issues.push(source.issueAt([key], `unknown property "${key}"; a lock file has version, packages and dependencies; ${rerun}`, "key"));
  }
  const packages = value.packages ?? {};
  if (!isMapping(packages)) return { issues: [...issues, source.issueAt(["packages"], `expected a mapping of rock name → exact version; ${rerun}`)], source };
  for (const [name, version] of Object.entries(packages)) {
    const problem = rockProblem(() => validateRockName(name)) ?? (typeof version === "string" ? rockProblem(() => validateRockVersion(version)) : "a version must be a string");
    if (problem) issues.push(source.issueAt(["packages", name], `${problem}; ${rerun}`));
  }
  const dependencies = value.dependencies ?? {};
  issues.push(...dependencyIssues(dependencies, packages, source, rerun));
  if (issues.length > 0) return { issues, source };
  return { lock: { file, packages: packages as Record<string, string>, dependencies: dependencies as Record<string, string[]> }, issues, source };
}

/** Issues of a lock's `dependencies`: a mapping of locked rock → list of locked rocks. */
function dependencyIssues(dependencies: unknown, packages: Record<string, unknown>, source: SourceDocument, rerun: string): EnvironmentIssue[] {
  if (!isMapping(dependencies)) return [source.issueAt(["dependencies"], `expected a mapping of rock name → the locked rocks it depends on; ${rerun}`)];
  return Object.entries(dependencies).flatMap(([rock, needs]) => {
    if (!(rock in packages)) return [source.issueAt(["dependencies", rock], `"${rock}" is not in packages; ${rerun}`, "key")];
    if (!Array.isArray(needs)) return [source.issueAt(["dependencies", rock], `expected a list of locked rock names; ${rerun}`)];
    return needs.flatMap((need, i) => (typeof need === "string" && need in packages ? [] : [source.issueAt(["dependencies", rock, i], `${JSON.stringify(need)} is not a rock of packages; ${rerun}`)]));
  });
}

/**
 * Issues where the lock no longer satisfies the environment: a declared package it lacks or
 * pins to a version the declaration does not accept (located in the environment file), and a
 * locked package nothing declares (located in the lock file).
 */
export function checkLockFits(spec: EnvironmentSpec, source: SourceDocument, lock: LockCheck & { lock: EnvironmentLock }): EnvironmentIssue[] {
  const { packages, file } = lock.lock;
  const rerun = `run \`bioxen-luavm lock ${source.file}\` to update ${file}`;
  const issues: EnvironmentIssue[] = [];
  const declared = new Set<string>();
  for (const { origin, pkg } of packageDeclarations(spec)) {
    declared.add(pkg.name);
    const locked = packages[pkg.name];
    if (locked === undefined) {
      issues.push(source.issueAt([...origin, "name"], `package "${pkg.name}" is not in the lock file ${file}; ${rerun}`));
    } else if (!satisfiesConstraint(locked, requestTerms(pkg))) {
      const where = lock.source.issueAt(["packages", pkg.name], "");
      const field = pkg.version !== undefined ? "version" : "constraint";
      issues.push(
        source.issueAt(
          [...origin, field],
          `the lock pins ${pkg.name} ${locked} (${where.file}:${where.line}:${where.column}), which does not satisfy ${JSON.stringify(pkg[field])}; ${rerun}`,
        ),
      );
    }
  }
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  const needed = new Set([...declared].flatMap((rock) => (rock in packages ? [rock, ...lockedDependencies(lock.lock, rock).map((d) => d.name)] : [])));
  for (const name of Object.keys(packages).filter((rock) => !needed.has(rock))) {
    issues.push(lock.source.issueAt(["packages", name], `package "${name}" is locked but ${source.file} no longer declares it nor a package depending on it; ${rerun}`, "key"));
  }
  return issues;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function rockProblem(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof RockInputError) return error.message;
    throw error;
  }
}
