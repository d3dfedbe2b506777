/**
 * `bioxen-luavm check <environment file>`: for CI. Loads the file (and its lock), then for every
 * package of every local installation checks that the installed version is the one the file (or
 * its lock) asks for and that each module the rock declares loads (`require` on this machine).
 * Prints one line per package; the exit code is 1 when any is missing, at another version or
 * unhealthy. VM packages are reported by their LuaPackage's `healthy` output on up/refresh.
 */
import { resolve } from "node:path";
import { loadEnvironmentFile, planEnvironment, type LocalLuaSpec, type LuaPackagePlanArgs, type ResourcePlan } from "../sdk/env";
import { LuaRunner } from "../sdk/lua";
import { LuaRocks, healthProblems, requestTerms, satisfiesConstraint, validateLuaVersion } from "../sdk/rocks";
import { localTarget } from "../sdk/target";

/** Usage of the command. */
export const CHECK_USAGE = "usage: bioxen-luavm check <environment file>   (exit 0: every package installed as asked and loading; 1: a package is not)";

/** Runs the check and writes its report; returns the exit code. */
export async function check(args: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (args.length !== 1) throw new UsageError(CHECK_USAGE);
  const { spec, lock } = await loadEnvironmentFile(args[0]);
  const plans = planEnvironment(spec, lock).filter((plan): plan is ResourcePlan<"LuaPackage"> => plan.kind === "LuaPackage");
  let failures = 0;
  const vmPackages = plans.filter((plan) => plan.args.target.output === "sshTarget").length;
  const trees = new Map<string, Promise<LuaRocks>>();
  for (const plan of plans.filter((p) => p.args.target.output === "target")) {
    const name = plan.args.target.ref.slice("local:".length);
    if (!trees.has(name)) trees.set(name, treeOf(spec.local![name]));
    const problem = await packageProblem(plan.args, await trees.get(name)!);
    out.write(problem === undefined ? `ok    ${plan.name}\n` : `FAIL  ${plan.name}: ${problem}\n`);
    if (problem !== undefined) failures++;
  }
  if (vmPackages > 0) out.write(`note  ${vmPackages} VM package(s) not checked here: their LuaPackage output healthy reports them on up and refresh\n`);
  return failures > 0 ? 1 : 0;
}

/** Thrown for a wrong command line (exit code 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The LuaRocks of a local installation's tree, for the Lua version of its interpreter (as LocalLua installs). */
async function treeOf(local: LocalLuaSpec): Promise<LuaRocks> {
  const language = await new LuaRunner(localTarget(), { interpreter: local.interpreter }).version();
  return new LuaRocks(localTarget(), { tree: { path: resolve(local.tree ?? "lua_modules") }, luaVersion: validateLuaVersion(language.languageVersion) });
}

/** What is wrong with one package of a local installation, or undefined when it is installed as asked and loads. */
async function packageProblem(pkg: LuaPackagePlanArgs, rocks: LuaRocks): Promise<string | undefined> {
  const installed = await rocks.installed(pkg.name);
  if (installed === undefined) return `not installed in ${await rocks.treeRoot()}`;
  if (!satisfiesConstraint(installed, requestTerms(pkg))) return `${installed} is installed, but ${pkg.version ?? pkg.constraint} is asked for`;
  const health = await rocks.checkHealth(pkg.name);
  return health.healthy ? undefined : `${installed}: ${healthProblems(health).join("; ")}`;
}
