/**
 * LuaPackage dynamic-provider implementation: one LuaRocks rock in one tree of a target (SSH
 * host, XcpngLuaVM or LocalLua). Everything goes through sdk/rocks, which validates names and
 * versions and serializes operations per tree. Loaded in the provider host as
 * `bioxen-luavm/provider/impl/lua-package`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { log } from "@pulumi/pulumi";
import { LuaRocksError, RockInputError } from "../../../sdk/rocks";
import { SshError } from "../../../sdk/ssh";
import { compact, reveal } from "../../runtime/inputs";
import { importMarkOf } from "../../runtime/imported";
import { PartialCreateError } from "../../runtime/partial";
import { isPackageImportRead, keptOnDelete, readImported } from "./import";
import type { LuaPackageInputs } from "./inputs";
import { vmPowerOf, xapiConfigured, xcpngVmUuid, type VmPowerReport } from "./machine";
import { inputsOf, outputsOf, type LuaPackageOutputs, type PackageHealth } from "./outputs";
import { ensureDependencies, ensureVersion, healthOf, rocksFor, timeoutMsOf, timeoutSecondsOf } from "./rocks";

export { configure } from "../../runtime/config";
export { check } from "./inputs";
export { diff } from "./diff";

/**
 * Installs the locked `dependencies` (if any) at their versions, then the rock (with whatever
 * dependencies it still lacks), then requires each of its modules (`healthy`);
 * id = `<target>:<tree root>/<name>`, known before anything changes. An install luarocks refused made nothing (luarocks removes what it began);
 * one that failed otherwise may have installed the rock (connection lost, deadline, another
 * version than asked): see {@link keptIfInstalled}.
 */
export async function create(raw: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const inputs = reveal<LuaPackageInputs>(raw);
  const rocks = rocksFor(inputs, "create");
  const treePath = await rocks.treeRoot();
  const id = `${rocks.target.description}:${treePath}/${inputs.name}`;
  try {
    await ensureDependencies(rocks, inputs.dependencies ?? []);
    const installed = await rocks.install(inputs.name, compact({ version: inputs.version, constraint: inputs.constraint }));
    return { id, outs: outputsOf(raw, installed.version, treePath, await checkedHealth(rocks, inputs.name, installed.version)) };
  } catch (error) {
    if (error instanceof RockInputError || (error instanceof LuaRocksError && typeof error.exitCode === "number" && error.exitCode > 0 && !error.timedOut)) throw error;
    throw await keptIfInstalled(id, raw, treePath, error);
  }
}

/**
 * After an install that may have got through: a rock now in the tree is kept as the partial
 * state (the engine records it; the next up brings it to the version asked, destroy removes it);
 * a tree that cannot be asked is kept the same way (a refresh drops it when the rock is not
 * there). Properties never hold the SSH private key. Nothing installed: the install's error.
 */
async function keptIfInstalled(id: string, raw: Record<string, unknown>, treePath: string, error: unknown): Promise<Error> {
  const inputs = reveal<LuaPackageInputs>(raw);
  const { name } = inputs;
  const reason = (error as Error).message;
  let installed: string | undefined;
  try {
    // Asked as a refresh asks (dial and all within timeouts.read): the host may be gone.
    installed = await rocksFor(inputs, "read").installed(name);
  } catch (checkError) {
    const message = `${reason}; whether ${name} was installed could not be checked (${(checkError as Error).message}): it is kept in the state, and a refresh drops it if it is not there`;
    return new PartialCreateError(message, id, compact({ ...inputsOf(raw), treePath }), error);
  }
  if (installed === undefined) return error as Error;
  return new PartialCreateError(`${reason}; ${name} ${installed} is in the tree now: it is kept in the state (run up again to finish, or destroy to remove it)`, id, outputsOf(raw, installed, treePath), error);
}

/**
 * Notices a removed rock (no id: gone) or another installed version (new `installedVersion`), and
 * checks its health again (`healthy`, `healthProblems`).
 * On an XcpngLuaVM (with an XAPI connection configured) XAPI is asked first: a stopped VM keeps
 * the last known state without dialling, a VM that no longer exists takes the rock with it — but
 * "no longer exists" is concluded only when the target's machineId names the configured pool;
 * a VM of another pool (or an old-form machineId) that XAPI does not find is read over SSH.
 */
export async function read(id: string, raw: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  if (isPackageImportRead(raw)) return readImported(id);
  const props = reveal<LuaPackageOutputs>(raw);
  const vm = await vmPowerFor(props, "read");
  if (vm?.powerState === "gone") {
    await log.info(`LuaPackage ${props.name}: VM ${vm.vmUuid} no longer exists, so neither does the rock on it; refresh drops it from the state`);
    return {};
  }
  if (vm !== undefined && vm.powerState !== "running") {
    await log.info(`LuaPackage ${props.name}: VM ${vm.vmUuid} is ${vm.powerState}; the rock is on its disk and cannot be checked now, so refresh keeps the last known state (${props.installedVersion} in ${props.treePath})`);
    const outs = outputsOf(raw, props.installedVersion, props.treePath, props);
    return { id, props: outs, inputs: inputsOf(outs) };
  }
  const rocks = rocksFor(props, "read");
  try {
    const installed = await rocks.installed(props.name);
    if (installed === undefined) return {};
    const outs = outputsOf(raw, installed, await rocks.treeRoot(), await checkedHealth(rocks, props.name, installed));
    return { id, props: outs, inputs: inputsOf(outs) };
  } catch (error) {
    throw unreachableOnRead(error, props);
  }
}

/**
 * Upgrades or downgrades in place when the installed version misses the request, and follows the
 * same machine to a new address (checks the rock there); returns full outputs, whose `target` is
 * the new one, so a later delete (given these outputs) reaches the machine where it is now.
 */
export async function update(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = reveal<LuaPackageInputs>(news);
  await requireRunningVm(inputs, "update");
  const rocks = rocksFor(inputs, "update");
  const installed = await ensureVersion(rocks, inputs);
  return { outs: { ...outputsOf(news, installed.version, await rocks.treeRoot(), await checkedHealth(rocks, inputs.name, installed.version)), ...importMarkOf(olds) } };
}

/**
 * Removes every installed version of the rock from the tree (nothing to do when it is already
 * gone, or when its XcpngLuaVM no longer exists in the pool its machineId names and the stack
 * config connects to); refuses at once while that VM is stopped.
 */
async function deleteLuaPackage(_id: string, raw: Record<string, unknown>): Promise<void> {
  if (await keptOnDelete(raw)) return;
  const props = reveal<LuaPackageOutputs>(raw);
  const vm = await vmPowerFor(props, "delete");
  if (vm?.powerState === "gone") {
    await log.info(`LuaPackage ${props.name}: VM ${vm.vmUuid} no longer exists, and the rock went with it; nothing to remove`);
    return;
  }
  if (vm !== undefined && vm.powerState !== "running") throw new Error(stoppedVmMessage(props, vm, "delete"));
  await rocksFor(props, "delete").remove(props.name);
}
export { deleteLuaPackage as delete };

/** {@link healthOf}, logging each module that fails to load (the resource still succeeds: `healthy` says it). */
async function checkedHealth(rocks: ReturnType<typeof rocksFor>, name: string, version: string): Promise<PackageHealth> {
  const health = await healthOf(rocks, name, version);
  if (!health.healthy) await log.warn(`LuaPackage ${name} on ${rocks.target.description} is not healthy:\n${health.healthProblems.join("\n")}`);
  return health;
}

/**
 * The power of the target's VM, or undefined (no XcpngLuaVM, no XAPI connection). When XAPI
 * cannot answer, the operation still goes over SSH (with its own deadline) and the log says why.
 */
async function vmPowerFor(inputs: LuaPackageInputs, operation: "read" | "update" | "delete"): Promise<VmPowerReport | undefined> {
  try {
    return await vmPowerOf(inputs.target, timeoutMsOf(inputs, operation));
  } catch (error) {
    await log.warn(`LuaPackage ${inputs.name}: ${(error as Error).message}; going to the rock over SSH instead`);
    return undefined;
  }
}

/** Throws, without dialling, when the target's VM is stopped or gone: an update cannot reach it. */
async function requireRunningVm(inputs: LuaPackageInputs, operation: "update"): Promise<void> {
  const vm = await vmPowerFor(inputs, operation);
  if (vm !== undefined && vm.powerState !== "running") throw new Error(stoppedVmMessage(inputs, vm, operation));
}

/** What to do when `operation` meets a stopped or vanished VM. */
function stoppedVmMessage(inputs: Pick<LuaPackageInputs, "name">, vm: VmPowerReport, operation: "update" | "delete"): string {
  if (vm.powerState === "gone") return `LuaPackage ${inputs.name}: cannot ${operation}: VM ${vm.vmUuid} no longer exists; run \`pulumi refresh\` to drop the package from the state`;
  const escape = operation === "delete" ? ", or, to give the rock up, remove the package from the state with `pulumi state delete <urn>`" : "";
  return `LuaPackage ${inputs.name}: cannot ${operation} while VM ${vm.vmUuid} is ${vm.powerState}: the rock is on its disk. Start the VM (its XcpngLuaVM's powerState: "running") and run again${escape}`;
}

/** A read's SSH dial failure, as an error naming the host, the deadline and what to do. */
function unreachableOnRead(error: unknown, props: LuaPackageOutputs): unknown {
  if (!(error instanceof SshError) || error.reason !== "UNREACHABLE") return error;
  const seconds = timeoutSecondsOf(props, "read");
  const hint = xcpngVmUuid(props.target) !== undefined && !xapiConfigured() ? "; set bioxen:xapiUrl/xapiUsername/xapiPassword so refresh can see a stopped XcpngLuaVM without dialling" : "";
  return new Error(
    `LuaPackage ${props.name}: refresh could not reach ${error.target} within ${seconds} s (timeouts.read): is the host up? Start it, or raise timeouts.read if it is slow to answer${hint}. ${error.message}`,
    { cause: error },
  );
}
