import type { ExecResult, Target } from "../target/types";
import { LuaRocksError, stderrTail } from "./errors";
import type { LuaVersion } from "./validate";

/** Exit code flock returns when it could not take the tree lock before its deadline. */
const LOCK_TIMEOUT_EXIT_CODE = 75;

/** The lock file (on the target) that serializes luarocks runs on one tree. */
const TREE_LOCK_FILE = ".bioxen-luarocks.lock";

/** Fixed facts about how luarocks is run on one target. */
export interface LuaRocksSetup {
  target: Target;
  /** Program to run (validated). */
  command: string;
  luaVersion?: LuaVersion;
  /** Validated servers; when set, only these are consulted. */
  servers?: readonly string[];
  /** Extra environment for every command. */
  env: Readonly<Record<string, string>>;
}

/** One luarocks command to run. */
export interface LuaRocksCall {
  /** For errors: "install", "remove", … */
  operation: string;
  /** For errors: the rock concerned, "" for none. */
  rock: string;
  /** The sub-command and its arguments, e.g. ["list", "--porcelain"]. */
  args: readonly string[];
  /** Global flags placed before the sub-command (e.g. "--global"). */
  flags?: readonly string[];
  /** Tree root: adds `--tree <root>` and runs under `flock <root>/.bioxen-luarocks.lock`. */
  tree?: string;
  /** Pass the configured servers (commands that download). */
  useServers?: boolean;
  /** Epoch milliseconds after which the command is killed. */
  deadline: number;
  signal?: AbortSignal;
}

/** Environment variables luarocks reads a replacement user config file from (generic and per Lua version). */
const CONFIG_ENV_NAMES = ["LUAROCKS_CONFIG", "LUAROCKS_CONFIG_5_1", "LUAROCKS_CONFIG_5_2", "LUAROCKS_CONFIG_5_3", "LUAROCKS_CONFIG_5_4"];

/**
 * Runs one luarocks command on the target as an argv and returns its result when the exit code
 * is 0; anything else (non-zero exit, timeout, lock not obtained) becomes a {@link LuaRocksError}.
 */
export async function runLuaRocks(setup: LuaRocksSetup, call: LuaRocksCall): Promise<ExecResult> {
  const servers = call.useServers ? setup.servers ?? [] : [];
  // luarocks takes a single --only-server; several servers need a config file listing them.
  if (servers.length < 2) return execLuaRocks(setup, call, servers.length === 1 ? ["--only-server", servers[0]] : [], {});
  const configDir = await makeTempDir(setup.target, call);
  try {
    const configFile = `${configDir}/config.lua`;
    await setup.target.writeFile(configFile, serversConfig(servers), { mode: 0o600 });
    const env = Object.fromEntries(CONFIG_ENV_NAMES.map((name) => [name, configFile]));
    return await execLuaRocks(setup, call, [], env);
  } finally {
    await setup.target.exec(["rm", "-rf", "--", configDir], { deadline: 30_000 }).catch(() => undefined);
  }
}

/** The argv for one call: `[flock -w <s> -E 75 <lock>] luarocks [flags] <sub-command> <args>`. */
function luarocksArgv(setup: LuaRocksSetup, call: LuaRocksCall, serverFlags: readonly string[]): string[] {
  const argv = [setup.command];
  if (setup.luaVersion) argv.push("--lua-version", setup.luaVersion);
  if (call.tree) argv.push("--tree", call.tree);
  argv.push(...serverFlags, ...(call.flags ?? []), ...call.args);
  if (!call.tree) return argv;
  // flock gives up a second before our deadline so a busy lock is reported as such, not as a timeout.
  const waitSeconds = String(Math.max(1, Math.floor(remainingMs(call.deadline) / 1000) - 1));
  const lockFile = `${call.tree.replace(/\/+$/, "")}/${TREE_LOCK_FILE}`;
  return ["flock", "-w", waitSeconds, "-E", String(LOCK_TIMEOUT_EXIT_CODE), lockFile, ...argv];
}

async function execLuaRocks(
  setup: LuaRocksSetup,
  call: LuaRocksCall,
  serverFlags: readonly string[],
  extraEnv: Record<string, string>,
): Promise<ExecResult> {
  const argv = luarocksArgv(setup, call, serverFlags);
  // cwd "/" keeps luarocks from detecting a project directory (lua_modules) around the caller.
  const result = await setup.target.exec(argv, {
    env: { ...setup.env, ...extraEnv },
    cwd: "/",
    deadline: remainingMs(call.deadline),
    signal: call.signal,
  });
  if (result.exitCode === 0 && !result.timedOut) return result;
  throw new LuaRocksError({
    operation: call.operation,
    rock: call.rock,
    target: setup.target.description,
    exitCode: result.exitCode,
    stderrTail: stderrTail(result.stderr || result.stdout),
    timedOut: result.timedOut,
    hint: failureHint(result, call),
  });
}

function failureHint(result: ExecResult, call: LuaRocksCall): string | undefined {
  if (result.timedOut) return "Raise timeoutMs if the servers or the build are slow.";
  // 127: no such program (on every target); 69: flock could not execute luarocks.
  if (result.exitCode === 127 || (call.tree && result.exitCode === 69)) return "A program was not found on the target: luarocks (and flock, from util-linux) must be installed.";
  if (call.tree && result.exitCode === LOCK_TIMEOUT_EXIT_CODE) {
    return `Another luarocks run held ${call.tree}/${TREE_LOCK_FILE} until the deadline; retry later or raise timeoutMs.`;
  }
  return undefined;
}

/** A luarocks config file whose only setting is the server list (values are validated URLs/paths). */
function serversConfig(servers: readonly string[]): string {
  return `rocks_servers = {\n${servers.map((server) => `  ${JSON.stringify(server)},\n`).join("")}}\n`;
}

async function makeTempDir(target: Target, call: LuaRocksCall): Promise<string> {
  const result = await target.exec(["mktemp", "-d", "-t", "bioxen-luarocks.XXXXXXXX"], {
    deadline: remainingMs(call.deadline),
    signal: call.signal,
  });
  const dir = result.stdout.trim();
  if (result.exitCode !== 0 || !/^\/[A-Za-z0-9._/-]+$/.test(dir)) {
    throw new LuaRocksError({
      operation: call.operation,
      rock: call.rock,
      target: target.description,
      exitCode: result.exitCode,
      stderrTail: stderrTail(result.stderr),
      hint: "Could not create a temporary directory (mktemp -d) for the luarocks server list.",
    });
  }
  return dir;
}

/** Milliseconds left until `deadline`, at least 1 so an expired deadline still kills promptly. */
export function remainingMs(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}
