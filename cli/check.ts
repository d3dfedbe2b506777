/**
 * `bioxen-luavm check <environment file>`: for CI. Loads the file (and its lock), then for every
 * package — of local installations on this machine, of VMs over SSH (see check-trees.ts) — checks
 * that the installed version is the one the file (or its lock) asks for, that its locked
 * dependencies are at their locked versions, and that each module the rock declares loads
 * (`require` on that machine). Prints one line per package; the exit code is 1 when any is
 * missing, at another version, unhealthy or cannot be reached.
 */
import { loadEnvironmentFile, planEnvironment, type LuaPackagePlanArgs, type ResourcePlan } from "../sdk/env";
import { LuaRocks, healthProblems, requestTerms, satisfiesConstraint, versionsEqual } from "../sdk/rocks";
import { closeAllSshConnections } from "../sdk/ssh";
import { PackageTrees } from "./check-trees";

/** Usage of the command. */
export const CHECK_USAGE = "usage: bioxen-luavm check <environment file>   (exit 0: every package installed as asked and loading; 1: a package is not)";

/** Runs the check and writes its report; returns the exit code. */
export async function check(args: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (args.length !== 1) throw new UsageError(CHECK_USAGE);
  const { file, spec, lock } = await loadEnvironmentFile(args[0]);
  const plans = planEnvironment(spec, lock).filter((plan): plan is ResourcePlan<"LuaPackage"> => plan.kind === "LuaPackage");
  const trees = new PackageTrees(file, spec);
  let failures = 0;
  try {
    for (const plan of plans) {
      const problem = await packageProblem(plan.args, trees).catch((error: Error) => `cannot check on ${PackageTrees.where(plan.args)}: ${error.message}`);
      out.write(problem === undefined ? `ok    ${plan.name}\n` : `FAIL  ${plan.name}: ${problem}\n`);
      if (problem !== undefined) failures++;
    }
  } finally {
    await closeAllSshConnections();
  }
  return failures > 0 ? 1 : 0;
}

/** Thrown for a wrong command line (exit code 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** What is wrong with one package, or undefined when it and its locked dependencies are installed as asked and it loads. */
async function packageProblem(pkg: LuaPackagePlanArgs, trees: PackageTrees): Promise<string | undefined> {
  const rocks = await trees.of(pkg);
  const installed = await rocks.installed(pkg.name);
  if (installed === undefined) return `not installed in ${await rocks.treeRoot()} on ${rocks.target.description}`;
  if (!satisfiesConstraint(installed, requestTerms(pkg))) return `${installed} is installed, but ${pkg.version ?? pkg.constraint} is asked for`;
  const dependency = await dependencyProblem(pkg, rocks);
  if (dependency !== undefined) return dependency;
  const health = await rocks.checkHealth(pkg.name);
  return health.healthy ? undefined : `${installed}: ${healthProblems(health).join("; ")}`;
}

/** The first locked dependency of `pkg` that is missing or at another version. */
async function dependencyProblem(pkg: LuaPackagePlanArgs, rocks: LuaRocks): Promise<string | undefined> {
  for (const { name, version } of pkg.dependencies ?? []) {
    const installed = await rocks.installed(name);
    if (installed === undefined || !versionsEqual(installed, version)) return `dependency ${name}: ${installed ?? "not installed"}, but the lock pins ${version}`;
  }
  return undefined;
}
