import { Transform, type TransformCallback } from "node:stream";
import { argvProblem } from "../base/argv";
import { SshError } from "./errors";
import { assertEnvName, quoteArg, quoteArgv } from "./quote";

/** Prefix of the first stdout line every wrapped command prints: its process-group id. */
const PGID_MARKER = "bioxen-pgid:";
const PGID_LINE = /bioxen-pgid:(\d+)\n/;
/** Output before the marker (shell start-up noise) is dropped; beyond this much we give up looking. */
const MARKER_SEARCH_LIMIT = 64 * 1024;

/**
 * sshd hands the command line to the login shell as ONE argument (`sh -c <line>`), and Linux caps a
 * single argument at MAX_ARG_STRLEN (32 pages = 131,072 bytes, terminating NUL included).
 */
export const MAX_REMOTE_COMMAND_BYTES = 131_071;

/** Where and how a remote command runs. */
export interface RemoteCommandOptions {
  env?: Record<string, string>;
  cwd?: string;
}

/**
 * Builds the shell line sent over SSH. sshd runs each session in its own session (setsid), so the
 * login shell's pid is its process-group id; the line prints it, then `exec`s the command in the
 * same process so the group can be killed as a whole (timeouts, aborts, kill()). Variables are
 * set by the shell's `export`, not `env`: `env` would take an argv[0] containing "=" as one more
 * assignment and run the next word instead; quoted, argv[0] is always the program (as locally).
 */
export function buildRemoteCommand(argv: readonly string[], options: RemoteCommandOptions, target: string): string {
  const problem = argvProblem(argv, options.env, options.cwd);
  if (problem) throw new SshError("INVALID_ARGUMENT", target, problem);
  const parts = [`printf '${PGID_MARKER}%s\\n' "$$"`];
  if (options.cwd !== undefined) parts.push(`cd -- ${quoteArg(options.cwd)}`);
  const env = Object.entries(options.env ?? {});
  for (const [name] of env) assertEnvName(name, target);
  for (const [name, value] of env) parts.push(`export ${name}=${quoteArg(value)}`);
  parts.push(`exec ${quoteArgv(argv)}`);
  const line = parts.join(" && ");
  const bytes = Buffer.byteLength(line);
  if (bytes > MAX_REMOTE_COMMAND_BYTES) {
    throw new SshError(
      "INVALID_ARGUMENT",
      target,
      `the command line for ${JSON.stringify(argv[0])} is ${bytes} bytes quoted; the remote shell takes at most ${MAX_REMOTE_COMMAND_BYTES} in one argument (Linux MAX_ARG_STRLEN): pass large data on stdin or upload it with writeFile`,
    );
  }
  return line;
}

/** The shell line that sends `signal` to the whole process group (falling back to the one pid). */
export function buildKillCommand(pgid: number, signal: "TERM" | "KILL"): string {
  return `kill -s ${signal} -- -${pgid} 2>/dev/null || kill -s ${signal} -- ${pgid} 2>/dev/null || true`;
}

/**
 * Removes the process-group marker line from a command's stdout and reports the id via
 * `onPgid`; everything after the marker passes through byte for byte.
 */
export class PgidMarkerStripper extends Transform {
  private pending: Buffer | undefined = Buffer.alloc(0);

  constructor(private readonly onPgid: (pgid: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.pending === undefined) return done(null, chunk);
    this.pending = Buffer.concat([this.pending, chunk]);
    const text = this.pending.toString("latin1");
    const match = PGID_LINE.exec(text);
    if (match) {
      const rest = this.pending.subarray(match.index + match[0].length);
      this.pending = undefined;
      this.onPgid(Number(match[1]));
      return done(null, rest.length > 0 ? rest : undefined);
    }
    if (this.pending.length > MARKER_SEARCH_LIMIT) {
      const all = this.pending;
      this.pending = undefined;
      return done(null, all);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    const leftover = this.pending;
    this.pending = undefined;
    done(null, leftover && leftover.length > 0 ? leftover : undefined);
  }
}
