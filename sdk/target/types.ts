import type { Readable, Writable } from "node:stream";
import type { DeadlineInput } from "../base/deadline";

/** Options for running one command (an argv, never a shell line) on a target. */
export interface ExecOptions {
  /** Bytes or text written to the command's stdin, then stdin is closed. */
  stdin?: string | Buffer;
  /** Extra environment variables (names must match /^[A-Za-z_][A-Za-z0-9_]*$/). */
  env?: Record<string, string>;
  /** Working directory on the target. */
  cwd?: string;
  /** Kill the command (and everything it started) when this passes: a Deadline, or milliseconds from now. */
  deadline?: DeadlineInput;
  /** Abort kills the command like a timeout does. */
  signal?: AbortSignal;
}

/** What a finished command produced. `exitCode` is null when it died by a signal or timed out. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
}

/** A long-lived process on a target (a local child or one SSH channel). */
export interface TargetProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Settles once when the process ends. */
  readonly exited: Promise<{ exitCode: number | null; signal: string | null }>;
  /** Ends the process (and its children on the target); resolves once it is gone. */
  kill(): Promise<void>;
}

/** Options for {@link Target.writeFile}. */
export interface WriteFileOptions {
  /** Permission bits, applied even when the file already existed. */
  mode?: number;
  /** Give up when this passes, connecting included: a Deadline, or milliseconds from now (default 60 000). */
  deadline?: DeadlineInput;
  /** Abort stops the upload (the file may then be partly written). */
  signal?: AbortSignal;
}

/** A machine commands run on: the local host or an SSH endpoint. */
export interface Target {
  /** Human-readable identity for messages, e.g. "local" or "ssh://user@host:22". No secrets. */
  readonly description: string;
  /** Stable key for per-target locks and caches (no secrets). */
  readonly key: string;
  /**
   * Runs argv to its end. Every target behaves alike: a program that does not exist ends with
   * exit code 127, one that cannot be executed with 126 (as a POSIX shell reports them); an argv
   * that is empty, starts with "-" or carries a NUL byte is refused before anything runs.
   */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Starts argv (same rules as `exec`: a missing program is a process that exits 127). */
  spawn(argv: readonly string[], options?: Omit<ExecOptions, "stdin" | "deadline">): Promise<TargetProcess>;
  /**
   * Writes a file on the target (creating parent directories is the caller's job). Rejects when
   * the deadline passes or the signal aborts. A bare number as third argument is the older form
   * of `{ mode }` and still accepted.
   */
  writeFile(path: string, content: string | Buffer, options?: WriteFileOptions | number): Promise<void>;
}
