/**
 * LuaPackage's bridge to sdk/rocks: the LuaRocks instance for a package's state, the version
 * request its inputs make, and bringing an installed rock to a version that satisfies it
 * (install, upgrade or downgrade in place).
 */
import { LuaRocks, compareVersions, healthProblems, requestTerms, satisfiesConstraint, versionsEqual, type InstalledRock } from "../../../sdk/rocks";
import { reveal } from "../../runtime/inputs";
import { targetFor, type TargetSpec } from "../../runtime/ssh-target";
import type { LockedRock, LuaPackageInputs, LuaPackageTimeouts } from "./inputs";
import type { PackageHealth } from "./outputs";

/** Default deadline of create, update and delete when `timeouts` does not say (seconds). */
export const DEFAULT_TIMEOUT_S = 300;
/** Default deadline of read (refresh), SSH dial included (seconds): a refresh should be quick. */
export const DEFAULT_READ_TIMEOUT_S = 20;

/** The time `operation` may take, in seconds as the input gives it: `timeouts[operation]`, else its default. */
export function timeoutSecondsOf(inputs: Pick<LuaPackageInputs, "timeouts">, operation: keyof LuaPackageTimeouts): number {
  const plain = reveal<Pick<LuaPackageInputs, "timeouts">>(inputs);
  return plain.timeouts?.[operation] ?? (operation === "read" ? DEFAULT_READ_TIMEOUT_S : DEFAULT_TIMEOUT_S);
}

/** {@link timeoutSecondsOf} in milliseconds: the one place the resource's seconds become the SDK's milliseconds. */
export function timeoutMsOf(inputs: Pick<LuaPackageInputs, "timeouts">, operation: keyof LuaPackageTimeouts): number {
  return timeoutSecondsOf(inputs, operation) * 1000;
}

/**
 * The LuaRocks for a package's inputs, with the deadline of `operation`. For read the SSH dial
 * deadline is that deadline too, so an unreachable host fails the refresh in `timeouts.read`
 * instead of the sdk's 60 s of re-dialling.
 */
export function rocksFor(inputs: LuaPackageInputs, operation: keyof LuaPackageTimeouts): LuaRocks {
  const plain = reveal<LuaPackageInputs>(inputs);
  const timeoutMs = timeoutMsOf(plain, operation);
  return new LuaRocks(targetFor(plain.target as TargetSpec, operation === "read" ? { dialTimeoutMs: timeoutMs } : {}), {
    tree: plain.tree,
    ...(plain.luaVersion !== undefined ? { luaVersion: plain.luaVersion } : {}),
    ...(plain.servers !== undefined ? { servers: plain.servers } : {}),
    timeoutMs,
  });
}

/** True when `installed` is what the inputs ask for ("1.0" is satisfied by "1.0-1"). */
export function satisfiesRequest(installed: string, inputs: Pick<LuaPackageInputs, "version" | "constraint">): boolean {
  return satisfiesConstraint(installed, requestTerms(inputs));
}

/** Human text of the request, for messages. */
export function describeRequest(inputs: Pick<LuaPackageInputs, "version" | "constraint">): string {
  return inputs.version ?? inputs.constraint ?? "any version";
}

/**
 * Makes the tree hold a version of `inputs.name` that satisfies the inputs: nothing when the
 * installed one already does, install when none is, otherwise an upgrade or a downgrade to the
 * servers' highest matching version (luarocks is asked, under the tree lock, by sdk/rocks).
 */
export async function ensureVersion(rocks: LuaRocks, inputs: LuaPackageInputs): Promise<InstalledRock> {
  const { name } = inputs;
  await ensureDependencies(rocks, inputs.dependencies ?? []);
  const current = await rocks.installed(name);
  if (current !== undefined && satisfiesRequest(current, inputs)) return { name, version: current };
  const request = { ...(inputs.version !== undefined ? { version: inputs.version } : {}), ...(inputs.constraint !== undefined ? { constraint: inputs.constraint } : {}) };
  if (current === undefined) return rocks.install(name, request);
  const wanted = await rocks.resolve(name, inputs.version !== undefined ? `== ${inputs.version}` : inputs.constraint);
  if (wanted === undefined) {
    throw new Error(`LuaPackage ${name} on ${rocks.target.description}: no version matching ${describeRequest(inputs)} on the servers; ${current} stays installed`);
  }
  return compareVersions(wanted, current) >= 0 ? rocks.upgrade(name, { version: wanted }) : rocks.downgrade(name, { version: wanted });
}

/**
 * Installs each locked dependency at exactly its version, in order (so each finds its own
 * dependencies already there and luarocks fetches nothing else); one already at its version is
 * left alone. Another installed version is replaced (luarocks removes it on install).
 */
export async function ensureDependencies(rocks: LuaRocks, dependencies: readonly LockedRock[]): Promise<void> {
  for (const { name, version } of dependencies) {
    const current = await rocks.installed(name);
    if (current === undefined || !versionsEqual(current, version)) await rocks.install(name, { version });
  }
}

/**
 * The health of the installed rock (`version`, as just installed or listed): every module it
 * declares is required on the target. A check that cannot run (luarocks fails, the deadline
 * passes) is unhealthy too, with that reason.
 */
export async function healthOf(rocks: LuaRocks, name: string, version: string): Promise<PackageHealth> {
  try {
    const health = await rocks.checkHealth(name, { version });
    return { healthy: health.healthy, healthProblems: healthProblems(health) };
  } catch (error) {
    return { healthy: false, healthProblems: [`the health check of ${name} could not run: ${(error as Error).message}`] };
  }
}
