import { randomBytes } from "node:crypto";
import { Deadline, type DeadlineOptions } from "../../base/deadline";
import type { ExecResult, Target } from "../../target/types";
import { LuaSessionError, type LuaSessionFailure } from "../errors";
import { AttachedSession } from "./attachment";
import { CONTROL_SCRIPT } from "./control-script";
import { SESSION_HOST_PROGRAM } from "./host-program";
import { assertSocketPathFits, sessionId, validateSessionDir, validateSessionName } from "./names";
import { RELAY_PROGRAM } from "./relay-program";

/** Output kept for a session while nobody reads it, by default (bytes of framed output). */
export const DEFAULT_SESSION_BUFFER_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
const NAMESPACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Exit codes of the control script. */
const EXIT_REASONS: Readonly<Record<number, LuaSessionFailure>> = { 2: "invalid", 3: "unknown", 4: "exists", 5: "host" };

/** Where and how a {@link LuaSessionHost} keeps its sessions. */
export interface LuaSessionHostOptions {
  /** Groups sessions on a target (a VM id): sessions live in `<dir>/<namespace>/`. */
  namespace: string;
  /**
   * Absolute directory on the target for the namespaces (created mode 0700; an existing one must
   * be the user's, mode 0700, not a link). Default `${TMPDIR:-/tmp}/bioxen-luavm-<uid>`, like tmux.
   */
  dir?: string;
  /** Output a session keeps while nobody is attached, in bytes (default 1 MiB); the oldest goes first. */
  bufferBytes?: number;
  /** Default deadline of every operation and of an attachment's send/read/detach (default 30 000 ms). */
  timeoutMs?: number;
}

/** A session as {@link LuaSessionHost.list} reports it. */
export interface LuaSessionInfo {
  /** "<namespace>/<name>". */
  id: string;
  name: string;
  /** Process id of the session on the target. */
  pid: number;
}

/**
 * Attachable Lua sessions on one target: each is a Lua process (with LuaSocket) started in a
 * session of its own, listening on a Unix socket of mode 0600 in a directory of mode 0700, so it
 * outlives the client and its SSH connection. Any later client (another process, a new
 * connection) attaches by name and sees the same globals and the output produced meanwhile.
 * Every command is an argv; names are checked before anything runs; code travels over the socket.
 */
export class LuaSessionHost {
  private readonly namespace: string;
  private readonly bufferBytes: number;
  private readonly timeoutMs: number;

  /**
   * @param target where the sessions run (a VM's scoped target carries its Lua path and directory)
   * @param interpreter Lua command or path
   * @param options namespace, directory, buffer limit, deadlines
   */
  constructor(
    private readonly target: Target,
    private readonly interpreter: string,
    private readonly options: LuaSessionHostOptions,
  ) {
    if (typeof options.namespace !== "string" || !NAMESPACE_PATTERN.test(options.namespace)) {
      throw new LuaSessionError("invalid", `session namespace ${JSON.stringify(options.namespace)} is invalid: use 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit`);
    }
    this.namespace = options.namespace;
    if (options.dir !== undefined) validateSessionDir(options.dir);
    this.bufferBytes = options.bufferBytes ?? DEFAULT_SESSION_BUFFER_BYTES;
    if (!Number.isInteger(this.bufferBytes) || this.bufferBytes < 1024) {
      throw new LuaSessionError("invalid", `session buffer of ${options.bufferBytes} bytes is invalid: use an integer of at least 1024`);
    }
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Starts a session and attaches to it. `name` defaults to a random "s-…" name.
   * @throws LuaSessionError "invalid" (bad name, nothing ran), "exists", "host" (e.g. no LuaSocket)
   */
  async create(name?: string, options: DeadlineOptions = {}): Promise<AttachedSession> {
    const chosen = validateSessionName(name ?? `s-${randomBytes(4).toString("hex")}`);
    if (this.options.dir !== undefined) assertSocketPathFits(this.options.dir, this.namespace, chosen);
    const deadline = Deadline.from(options.deadline ?? this.timeoutMs, "creating a Lua session");
    const token = randomBytes(16).toString("hex");
    await this.control("start", [chosen, token, String(this.bufferBytes), this.interpreter, SESSION_HOST_PROGRAM], { ...options, deadline });
    try {
      return await this.attach(chosen, { ...options, deadline });
    } catch (error) {
      await this.kill(chosen).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Attaches to a running session: output kept while nobody was attached arrives first. A session
   * has one attachment at a time; attaching takes it over from an earlier client.
   * @throws LuaSessionError "unknown" when no such session runs
   */
  async attach(name: string, options: DeadlineOptions = {}): Promise<AttachedSession> {
    validateSessionName(name);
    const argv = this.controlArgv("attach", [name, this.interpreter, RELAY_PROGRAM]);
    const process = await this.target.spawn(argv, { signal: options.signal });
    return AttachedSession.open(
      {
        id: sessionId(this.namespace, name),
        name,
        process,
        label: this.label(name),
        timeoutMs: this.timeoutMs,
        killSession: () => this.kill(name),
      },
      { deadline: options.deadline ?? this.timeoutMs, signal: options.signal },
    );
  }

  /** The sessions of this namespace that run now (files of dead ones are removed on the way). */
  async list(options: DeadlineOptions = {}): Promise<LuaSessionInfo[]> {
    const result = await this.control("list", [], options);
    return result.stdout
      .split("\n")
      .map((line) => /^session (\S+) (\d+)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map(([, name, pid]) => ({ id: sessionId(this.namespace, name!), name: name!, pid: Number(pid) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Ends a session: its whole process group, its socket and files. Attached clients see `detached`.
   * @throws LuaSessionError "unknown" when no such session exists
   */
  async kill(name: string, options: DeadlineOptions = {}): Promise<void> {
    validateSessionName(name);
    await this.control("kill", [name], options);
  }

  private async control(op: string, args: readonly string[], options: DeadlineOptions): Promise<ExecResult> {
    const timeoutMs = Deadline.from(options.deadline ?? this.timeoutMs, `Lua session ${op}`).remainingMs();
    const result = await this.target.exec(this.controlArgv(op, args), { deadline: timeoutMs, signal: options.signal });
    if (result.exitCode === 0) return result;
    const what = `${this.label(args[0] ?? "*")}: ${op}`;
    if (result.timedOut) throw new LuaSessionError("timeout", `${what} did not finish within ${timeoutMs} ms`);
    const reason = EXIT_REASONS[result.exitCode ?? -1] ?? "host";
    throw new LuaSessionError(reason, `${what} failed: ${result.stderr.trim() || `exit ${result.exitCode ?? result.signal}`}`);
  }

  private controlArgv(op: string, args: readonly string[]): string[] {
    return ["sh", "-c", CONTROL_SCRIPT, "bioxen-sessions", op, this.options.dir ?? "", this.namespace, ...args];
  }

  private label(name: string): string {
    return `${this.target.description}: Lua session ${sessionId(this.namespace, name)}`;
  }
}
