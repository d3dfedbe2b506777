import type { Target } from "../target/types";
import { abortError } from "../base/abort";
import { assertEnvNames } from "../base/env";
import { Deadline, type DeadlineInput } from "../base/deadline";
import { WaitError } from "../base/errors";
import { KeyedSemaphore } from "../base/semaphore";
import { LuaRocksError, RockInputError } from "./errors";
import { remainingMs, runLuaRocks, type LuaRocksCall, type LuaRocksSetup } from "./invocation";
import { versionsOnDisk } from "./disk-versions";
import { HEALTH_PROGRAM, healthToken, parseHealthReport, parseListedModules, parseModuleList, type RockHealth } from "./health";
import { installedVersionReported, removedVersionsReported, reportsNotInstalled } from "./outcome";
import { parseDependencyNames, parseListPorcelain, parseSearchPorcelain, type AvailableRock, type InstalledRock } from "./porcelain";
import { luaRocksConfig, treeModulePaths } from "./luarocks-config";
import { resolveTreeRoot, type RockTree } from "./tree";
import { compareVersions, highestVersion, satisfiesConstraint, versionsEqual } from "./versions";
import {
  validateCommand,
  validateConstraint,
  validateLuaVersion,
  validateRockName,
  validateRockVersion,
  validateServer,
  validateTreePath,
  type ConstraintTerm,
  type LuaVersion,
} from "./validate";

/** Options for {@link LuaRocks}. */
export interface LuaRocksOptions {
  /** Tree to manage (default "user": luarocks' home tree of the target user, `$HOME/.luarocks`). */
  tree?: RockTree;
  /** Lua version to install for (`--lua-version`); default: luarocks' configured one. */
  luaVersion?: LuaVersion;
  /**
   * When given, ONLY these servers are consulted (http(s)/file URLs or absolute paths), in order.
   * One server is passed as `--only-server`; several replace the user config file through
   * `LUAROCKS_CONFIG` with one that lists just them. Default: luarocks' configured servers.
   */
  servers?: readonly string[];
  /** The luarocks program (default "luarocks"). */
  luarocksCommand?: string;
  /** Deadline for each operation, lock waits included (default 300 000 ms). */
  timeoutMs?: number;
  /** Extra environment for every luarocks run (e.g. HOME). */
  env?: Readonly<Record<string, string>>;
}

/** Per-call options: a deadline overriding the instance's `timeoutMs` (a Deadline, or milliseconds from now), and an abort signal. */
export interface RockOperationOptions {
  deadline?: DeadlineInput;
  signal?: AbortSignal;
}

/** Options of {@link LuaRocks.checkHealth}. */
export interface HealthCheckOptions extends RockOperationOptions {
  /** The installed version, when known: its modules are then read from the tree manifest without starting luarocks. */
  version?: string;
}

/** Which version {@link LuaRocks.install} should install: at most one of `version` and `constraint`. */
export interface InstallOptions extends RockOperationOptions {
  /** Exact version, "1.2-1", or "1.2" for any revision of 1.2. */
  version?: string;
  /** Constraint such as ">= 1.0, < 2"; the servers' highest matching version is installed. */
  constraint?: string;
}

/** Options for {@link LuaRocks.remove}. */
export interface RemoveOptions extends RockOperationOptions {
  /** Remove only this version ("1.2-1" or "1.2"); default: every installed version. */
  version?: string;
  /** Remove even if other installed rocks depend on it (`--force`). */
  force?: boolean;
}

const DEFAULT_TIMEOUT_MS = 300_000;

/** Serializes operations on one tree of one target within this process (shared by all instances). */
const treeLocks = new KeyedSemaphore(() => 1);

/** The Lua interpreter luarocks installs for, and the module paths of a tree. */
interface TreeLua {
  lua: string;
  path: string;
  cpath: string;
}

/**
 * LuaRocks on a {@link Target}. Every input is validated before any command runs; the outcome of
 * an install or remove is read from that one luarocks run's exit code and output, and checked
 * against `luarocks list` only when the output does not say. Operations on one tree are
 * serialized twice: in this process, and on the target with `flock <tree>/.bioxen-luarocks.lock`
 * (so other processes and other connections to the same machine cannot corrupt the manifest).
 */
export class LuaRocks {
  private readonly setup: LuaRocksSetup;
  private readonly tree: RockTree;
  private readonly timeoutMs: number;
  private root?: Promise<string>;

  constructor(
    readonly target: Target,
    options: LuaRocksOptions = {},
  ) {
    this.tree = validateTree(options.tree ?? "user");
    this.timeoutMs = validateTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, "timeoutMs");
    const env = { ...options.env };
    assertEnvNames(env, "LuaRocks env");
    this.setup = {
      target,
      command: validateCommand(options.luarocksCommand ?? "luarocks"),
      luaVersion: options.luaVersion === undefined ? undefined : validateLuaVersion(options.luaVersion),
      servers: options.servers?.map((server, i) => validateServer(server, `servers[${i}]`)),
      env,
    };
  }

  /** The tree's root directory on the target (asked of luarocks once, then cached). */
  treeRoot(options: RockOperationOptions = {}): Promise<string> {
    const deadline = this.deadline(options);
    this.root ??= resolveTreeRoot(this.setup, this.tree, deadline, options.signal).catch((error: unknown) => {
      this.root = undefined;
      throw error;
    });
    return this.root;
  }

  /**
   * Installs `name` (latest, an exact `version`, or the highest version matching `constraint`)
   * with its dependencies into the tree, and returns the version that is then installed.
   * luarocks removes the rock's other versions unless its config says keep_other_versions.
   */
  async install(name: string, options: InstallOptions = {}): Promise<InstalledRock> {
    validateRockName(name);
    const wanted = versionRequest(options);
    return this.locked("install", options, async (call) => {
      const version = wanted.terms ? await this.pick(name, wanted.terms, call) : wanted.exact;
      const { stdout } = await this.run(call, "install", name, ["install", "--deps-mode", "one", name, ...(version ? [version] : [])], true);
      const installed = installedVersionReported(stdout, name) ?? (await this.listedAfterInstall(name, version, call));
      if (version && !versionsEqual(installed, version)) throw this.contradiction("install", name, `asked for ${version}, luarocks installed ${installed}`);
      return { name, version: installed };
    });
  }

  /**
   * Moves `name` to a higher (or equal) version — the latest, or the one `version`/`constraint`
   * picks on the servers — then removes every other installed version so exactly one remains.
   * Refuses (before changing anything) when that version is lower than the installed one.
   */
  upgrade(name: string, options: InstallOptions = {}): Promise<InstalledRock> {
    return this.move("upgrade", name, options);
  }

  /**
   * Moves `name` to the lower (or equal) version that `version`/`constraint` picks on the servers,
   * then removes every other installed version so exactly one remains. Refuses when that version
   * is higher than the installed one; `version` or `constraint` is required.
   */
  downgrade(name: string, options: InstallOptions = {}): Promise<InstalledRock> {
    return this.move("downgrade", name, options);
  }

  /** Removes `name` (every version, or just `version`); returns the versions removed ([] if none was installed). */
  async remove(name: string, options: RemoveOptions = {}): Promise<string[]> {
    validateRockName(name);
    if (options.version !== undefined) validateRockVersion(options.version);
    return this.locked("remove", options, (call) => this.removeIn(call, "remove", name, options.version, options.force ?? false));
  }

  /** Every rock version installed in the tree (`luarocks list --porcelain`). */
  list(options: RockOperationOptions = {}): Promise<InstalledRock[]> {
    return this.locked("list", options, (call) => this.listIn(call));
  }

  /**
   * The highest installed version of `name`, or undefined when it is not installed: read from the
   * rock's directory in the tree (one `ls`, no luarocks start — a refresh of many LuaPackages
   * reads one each), or from `luarocks list` when that directory cannot be read.
   */
  async installed(name: string, options: RockOperationOptions = {}): Promise<string | undefined> {
    validateRockName(name);
    return highestVersion(await this.locked("list", options, (call) => this.installedVersions(name, call)));
  }

  /**
   * Loads every module the installed rock `name` declares (`luarocks show --modules`) with the
   * Lua luarocks installs for (`variables.LUA`) and the tree's paths, one `require` each; the
   * result names each module that fails and its Lua error. Given the installed `version`, the
   * same Lua process reads the modules from the tree manifest first, where luarocks reads them
   * (one luarocks start fewer), and luarocks is asked only when the manifest does not list them.
   * Throws a LuaRocksError when the rock is not installed or luarocks cannot answer.
   */
  checkHealth(name: string, options: HealthCheckOptions = {}): Promise<RockHealth> {
    validateRockName(name);
    if (options.version !== undefined) validateRockVersion(options.version);
    return this.locked("health", options, async (call) => {
      const tree = await this.luaOfTree(call);
      if (options.version !== undefined) {
        const fromManifest = await this.loadModules(call, tree, [], { BIOXEN_ROCK_TREE: call.tree ?? "", BIOXEN_ROCK_NAME: name, BIOXEN_ROCK_VERSION: options.version }, options.signal);
        const listed = parseListedModules(fromManifest.stdout, fromManifest.token);
        if (listed !== undefined) return parseHealthReport(name, listed, fromManifest.stdout, fromManifest.token, fromManifest.ended);
      }
      const modules = parseModuleList((await this.run(call, "show", name, ["show", "--modules", name], false)).stdout);
      const loaded = await this.loadModules(call, tree, modules, {}, options.signal);
      return parseHealthReport(name, modules, loaded.stdout, loaded.token, loaded.ended);
    });
  }

  /** Runs {@link HEALTH_PROGRAM} with the tree's Lua and paths; `ended` explains a module without a line. */
  private async loadModules(call: LuaRocksCall, tree: TreeLua, modules: string[], env: Record<string, string>, signal?: AbortSignal) {
    const token = healthToken();
    const result = await this.target.exec([tree.lua, "-", ...modules], {
      stdin: HEALTH_PROGRAM,
      env: { ...this.setup.env, ...env, BIOXEN_HEALTH_TOKEN: token, BIOXEN_LUA_PATH: `${tree.path};;`, BIOXEN_LUA_CPATH: `${tree.cpath};;` },
      cwd: "/",
      deadline: remainingMs(call.deadline),
      signal,
    });
    const ended = result.timedOut ? "the check timed out" : `${tree.lua} ended before reporting this module (exit code ${result.exitCode ?? result.signal}): ${result.stderr.trim().slice(-500)}`;
    return { stdout: result.stdout, token, ended };
  }

  /** The names of the rocks the installed rock `name` depends on (`luarocks show --deps`: its rockspec's dependencies, not build or test ones). */
  dependencies(name: string, options: RockOperationOptions = {}): Promise<string[]> {
    validateRockName(name);
    return this.locked("show", options, async (call) => parseDependencyNames((await this.run(call, "show", name, ["show", "--deps", name], false)).stdout));
  }

  /** The Lua luarocks installs for and the tree's module paths, from luarocks' configuration (asked once per process). */
  private async luaOfTree(call: LuaRocksCall): Promise<TreeLua> {
    const config = await luaRocksConfig(this.setup, call.deadline, call.signal);
    return { lua: config.lua, ...treeModulePaths(config, call.tree!) };
  }

  /** The versions of exactly `name` that the servers offer for this Lua version, highest first. */
  async search(name: string, options: RockOperationOptions = {}): Promise<AvailableRock[]> {
    validateRockName(name);
    const call = this.call("search", name, options);
    return this.searchIn(name, call);
  }

  /** The version the servers would give for `name` (the highest matching `constraint`), or undefined. */
  async resolve(name: string, constraint?: string, options: RockOperationOptions = {}): Promise<string | undefined> {
    validateRockName(name);
    const terms = constraint === undefined ? [] : validateConstraint(constraint);
    const offered = await this.searchIn(name, this.call("search", name, options));
    return highestVersion(offered.map((rock) => rock.version).filter((v) => satisfiesConstraint(v, terms)));
  }

  private async move(direction: "upgrade" | "downgrade", name: string, options: InstallOptions): Promise<InstalledRock> {
    validateRockName(name);
    const wanted = versionRequest(options);
    if (direction === "downgrade" && !wanted.exact && !wanted.terms) {
      throw new RockInputError("version", undefined, "downgrade needs a version or a constraint");
    }
    return this.locked(direction, options, async (call) => {
      // An exact version needs no search: luarocks install itself reports a version it cannot find.
      const version = wanted.exact ?? (await this.pick(name, wanted.terms ?? [], call));
      const before = await this.installedVersions(name, call);
      const current = highestVersion(before);
      const wrongWay = current !== undefined && compareVersions(version, current) * (direction === "upgrade" ? 1 : -1) < 0;
      if (wrongWay) {
        throw new RockInputError("version", version, `${direction} of ${name} from ${current} would go the other way; use ${direction === "upgrade" ? "downgrade" : "upgrade"}`);
      }
      const { stdout } = await this.run(call, direction, name, ["install", "--deps-mode", "one", name, version], true);
      const installed = installedVersionReported(stdout, name);
      if (installed !== undefined && !versionsEqual(installed, version)) throw this.contradiction(direction, name, `asked for ${version}, luarocks installed ${installed}`);
      // luarocks removes the other versions itself unless configured to keep them.
      const replaced = removedVersionsReported(stdout, name) ?? [];
      const kept = installed === undefined ? undefined : before.filter((v) => v !== installed && !replaced.includes(v));
      for (const other of kept ?? []) await this.removeIn(call, direction, name, other, false);
      if (installed !== undefined && kept !== undefined) return { name, version: installed };
      return { name, version: await this.onlyVersionListed(direction, name, version, call) };
    });
  }

  /**
   * Runs one `luarocks remove` of `name` (every version, or `version`) and returns the versions it
   * removed, from its own output; [] when none was installed.
   */
  private async removeIn(call: LuaRocksCall, operation: string, name: string, version: string | undefined, force: boolean): Promise<string[]> {
    const args = ["remove", ...(force ? ["--force"] : []), name, ...(version === undefined ? [] : [version])];
    let stdout: string;
    try {
      ({ stdout } = await this.run(call, operation, name, args, false));
    } catch (error) {
      if (error instanceof LuaRocksError && error.exitCode === 1 && reportsNotInstalled(error.stderrTail, name)) return [];
      throw error;
    }
    const removed = removedVersionsReported(stdout, name);
    if (removed) return removed;
    const left = (await this.versionsOf(name, call)).filter((v) => version === undefined || versionsEqual(v, version));
    if (left.length > 0) throw this.contradiction(operation, name, `luarocks exited 0 but ${left.join(", ")} still listed`);
    return version === undefined ? [] : [version];
  }

  /** After an install whose output did not name the version: the one `luarocks list` shows. */
  private async listedAfterInstall(name: string, version: string | undefined, call: LuaRocksCall): Promise<string> {
    const versions = await this.versionsOf(name, call);
    const installed = version ? versions.find((v) => versionsEqual(v, version)) : highestVersion(versions);
    if (!installed) throw this.contradiction("install", name, `luarocks exited 0 but ${name} ${version ?? ""} is not listed in the tree`);
    return installed;
  }

  /** After a move whose output was unclear: removes what luarocks kept and checks exactly `version` is left. */
  private async onlyVersionListed(direction: string, name: string, version: string, call: LuaRocksCall): Promise<string> {
    for (const other of (await this.versionsOf(name, call)).filter((v) => !versionsEqual(v, version))) {
      await this.removeIn(call, direction, name, other, false);
    }
    const left = await this.versionsOf(name, call);
    if (left.length !== 1 || !versionsEqual(left[0], version)) {
      throw this.contradiction(direction, name, `expected only ${version} installed, found [${left.join(", ")}]`);
    }
    return left[0];
  }

  /** The installed versions of `name`: from the tree's directory when it can be read, else `luarocks list`. */
  private async installedVersions(name: string, call: LuaRocksCall): Promise<string[]> {
    const onDisk = await versionsOnDisk(this.setup, call.tree!, await this.rocksDir(call), name, call.deadline, call.signal);
    return onDisk ?? this.versionsOf(name, call);
  }

  /** The tree's per-Lua-version rocks directory: fixed by luaVersion, else from luarocks' configuration (asked once per process). */
  private async rocksDir(call: LuaRocksCall): Promise<string> {
    if (this.setup.luaVersion) return `lib/luarocks/rocks-${this.setup.luaVersion}`;
    return (await luaRocksConfig(this.setup, call.deadline, call.signal)).rocksSubdir;
  }

  /** The servers' highest version of `name` satisfying `terms`; a LuaRocksError when there is none. */
  private async pick(name: string, terms: readonly ConstraintTerm[], call: LuaRocksCall): Promise<string> {
    const offered = (await this.searchIn(name, call)).map((rock) => rock.version);
    const version = highestVersion(offered.filter((v) => satisfiesConstraint(v, terms)));
    if (version) return version;
    const asked = terms.map((t) => `${t.op} ${t.version}`).join(", ") || "any version";
    throw this.contradiction(
      "search",
      name,
      `no version of ${name} matching ${asked} on ${this.setup.servers?.join(", ") ?? "the configured servers"} ` +
        `(offered: ${offered.join(", ") || "none"})`,
    );
  }

  private async searchIn(name: string, call: LuaRocksCall): Promise<AvailableRock[]> {
    const { stdout } = await runLuaRocks(this.setup, { ...call, operation: "search", rock: name, args: ["search", "--porcelain", name], useServers: true });
    const found = parseSearchPorcelain(stdout).filter((rock) => rock.name === name);
    return found.sort((a, b) => compareVersions(b.version, a.version));
  }

  private async listIn(call: LuaRocksCall): Promise<InstalledRock[]> {
    const { stdout } = await this.run(call, "list", "", ["list", "--porcelain"], false);
    return parseListPorcelain(stdout);
  }

  private async versionsOf(name: string, call: LuaRocksCall): Promise<string[]> {
    return (await this.listIn(call)).filter((rock) => rock.name === name).map((rock) => rock.version);
  }

  private run(call: LuaRocksCall, operation: string, rock: string, args: string[], useServers: boolean) {
    return runLuaRocks(this.setup, { ...call, operation, rock, args, useServers });
  }

  /** Resolves the tree, then runs `work` holding this process's lock for (target, tree). */
  private async locked<T>(operation: string, options: RockOperationOptions, work: (call: LuaRocksCall) => Promise<T>): Promise<T> {
    const call = this.call(operation, "", options);
    const tree = await this.treeRoot(options);
    const key = `${this.target.key}\u0000${tree}`;
    const context = `luarocks ${operation} on ${this.target.description} (tree ${tree})`;
    const timeoutMs = Math.max(1, call.deadline - Date.now());
    const fail = (end: "timeout" | "aborted", waitedMs: number) =>
      end === "timeout"
        ? new WaitError(context, end, waitedMs, { message: `${context}: gave up after ${timeoutMs} ms waiting for another operation on the same tree` })
        : abortError(context, options.signal, " while waiting for another operation on the same tree");
    return treeLocks.run(key, () => work({ ...call, tree }), { deadline: timeoutMs, signal: options.signal, what: context, fail });
  }

  private call(operation: string, rock: string, options: RockOperationOptions): LuaRocksCall {
    return { operation, rock, args: [], deadline: this.deadline(options), signal: options.signal };
  }

  private deadline(options: RockOperationOptions): number {
    if (options.deadline instanceof Deadline) return options.deadline.endsAt;
    return Date.now() + (options.deadline === undefined ? this.timeoutMs : validateTimeout(options.deadline, "deadline"));
  }

  private contradiction(operation: string, rock: string, problem: string): LuaRocksError {
    return new LuaRocksError({ operation, rock, target: this.target.description, exitCode: 0, stderrTail: "", problem });
  }
}

/** Validates `version`/`constraint` (at most one) into an exact version or constraint terms. */
function versionRequest(options: InstallOptions): { exact?: string; terms?: ConstraintTerm[] } {
  if (options.version !== undefined && options.constraint !== undefined) {
    throw new RockInputError("version", options.version, "give either version or constraint, not both");
  }
  if (options.version !== undefined) return { exact: validateRockVersion(options.version) };
  if (options.constraint !== undefined) return { terms: validateConstraint(options.constraint) };
  return {};
}

function validateTree(tree: RockTree): RockTree {
  if (tree === "system" || tree === "user") return tree;
  if (typeof tree === "object" && tree !== null) return { path: validateTreePath(tree.path) };
  throw new RockInputError("tree", tree, 'the tree is "system", "user" or { path: "/absolute/path" }');
}

function validateTimeout(timeoutMs: number, field: string): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RockInputError(field, timeoutMs, "a positive number of milliseconds");
  return timeoutMs;
}
