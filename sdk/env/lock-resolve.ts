/**
 * `bioxen-luavm lock`: resolves every package an environment file declares to one exact version
 * against the servers its declarations name (luarocks on this machine searches them), then the
 * dependencies of those versions (see lock-closure.ts), and writes `<file>.lock`. A rock declared
 * several times gets the highest version every declaration accepts and every declaration's
 * servers offer.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { LuaRocks, highestVersion, requestTerms, satisfiesConstraint, type LuaRocksOptions } from "../rocks";
import { localTarget } from "../target";
import { packageDeclarations, type PackageDeclaration } from "./check-packages";
import { EnvironmentError, type EnvironmentIssue } from "./errors";
import { loadEnvironmentFile } from "./load";
import { formatLock, lockFileOf, type EnvironmentLock } from "./lock";
import { resolveClosure, type LockedClosure, type ResolvedRock } from "./lock-closure";
import { dotted, parseSource, type SourceDocument } from "./source";
import type { EnvironmentSpec } from "./types";

/** How luarocks is run to search the servers (on this machine). */
export type LockOptions = Pick<LuaRocksOptions, "luaVersion" | "luarocksCommand" | "timeoutMs" | "env">;

/**
 * Resolves the packages of the environment file at `path` and writes `<path>.lock` (replacing
 * it atomically); an existing lock is ignored, not checked. Throws {@link EnvironmentError}
 * (located at the declarations) when a rock has no version that fits every declaration.
 * @returns the lock written
 */
export async function lockEnvironmentFile(path: string, options: LockOptions = {}): Promise<EnvironmentLock> {
  const { spec } = await loadEnvironmentFile(path, { lock: false });
  const source = parseSource(await readFile(path, "utf8"), path);
  const { packages, dependencies } = await resolvePackages(spec, source, options);
  const file = lockFileOf(path);
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, formatLock(path, packages, dependencies));
  await rename(partial, file);
  return { file, packages, dependencies };
}

/**
 * Every declared rock at the exact version every declaration of it accepts (searched on their
 * servers), with the dependencies luarocks installs for those versions, each at its exact version.
 */
export async function resolvePackages(spec: EnvironmentSpec, source: SourceDocument, options: LockOptions = {}): Promise<LockedClosure> {
  const byRock = new Map<string, PackageDeclaration[]>();
  for (const declaration of inFileOrder(packageDeclarations(spec), source)) byRock.set(declaration.pkg.name, [...(byRock.get(declaration.pkg.name) ?? []), declaration]);
  const issues: EnvironmentIssue[] = [];
  const packages: Record<string, string> = {};
  const offers = new Map<string, Promise<string[]>>();
  for (const [rock, declarations] of byRock) {
    const offered = await Promise.all(declarations.map((d) => offeredVersions(rock, d.pkg.servers, offers, options)));
    const everywhere = offered.reduce((common, versions) => common.filter((v) => versions.includes(v)));
    const fitting = everywhere.filter((version) => declarations.every((d) => satisfiesConstraint(version, requestTerms(d.pkg))));
    const version = highestVersion(fitting);
    if (version !== undefined) packages[rock] = version;
    else issues.push(source.issueAt([...declarations[0].origin, "name"], noVersionMessage(rock, declarations, [...new Set(offered.flat())])));
  }
  if (issues.length > 0) throw new EnvironmentError(source.file, issues);
  const declared: ResolvedRock[] = [...byRock].map(([name, declarations]) => ({ name, version: packages[name]!, servers: declarations[0]!.pkg.servers }));
  const closure = await resolveClosure(declared, options);
  const replaced = declared.filter((rock) => closure.packages[rock.name] !== rock.version);
  if (replaced.length > 0) throw new EnvironmentError(source.file, replaced.map((rock) => replacedIssue(rock, closure, byRock.get(rock.name)![0]!, source)));
  return closure;
}

/** A declared rock whose resolved version a later install in the scratch tree replaced: another rock depends on another version of it. */
function replacedIssue(rock: ResolvedRock, closure: LockedClosure, first: PackageDeclaration, source: SourceDocument): EnvironmentIssue {
  const now = closure.packages[rock.name];
  const what = now === undefined ? "removed it" : `installed ${now} instead`;
  return source.issueAt([...first.origin, "name"], `${rock.name} resolves to ${rock.version}, but another declared package depends on another version of it (luarocks ${what}); declare a version both accept`);
}

/** Declarations sorted by where they are written, so messages name the first one in the file. */
function inFileOrder(declarations: readonly PackageDeclaration[], source: SourceDocument): PackageDeclaration[] {
  const at = new Map(declarations.map((d) => [d, source.issueAt(d.origin, "")]));
  return [...declarations].sort((a, b) => at.get(a)!.line - at.get(b)!.line || at.get(a)!.column - at.get(b)!.column);
}

/** The versions of `rock` on `servers` (luarocks' configured ones when absent), searched once per server list. */
function offeredVersions(rock: string, servers: readonly string[] | undefined, cache: Map<string, Promise<string[]>>, options: LockOptions): Promise<string[]> {
  const key = JSON.stringify([rock, servers ?? null]);
  let found = cache.get(key);
  if (!found) {
    const rocks = new LuaRocks(localTarget(), { ...options, ...(servers ? { servers } : {}) });
    found = rocks.search(rock).then((available) => available.map((entry) => entry.version));
    cache.set(key, found);
  }
  return found;
}

function noVersionMessage(rock: string, declarations: readonly PackageDeclaration[], offered: readonly string[]): string {
  const asked = declarations.map(({ origin, pkg }) => `${dotted(origin)} asks ${pkg.version ?? pkg.constraint ?? "any version"}${pkg.servers ? ` from ${pkg.servers.join(", ")}` : ""}`);
  return `no version of ${rock} fits every declaration (${asked.join("; ")}); offered: ${offered.join(", ") || "none"}`;
}
