import { chmod, writeFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { PassThrough, Readable } from "node:stream";
import type { ExecOptions, ExecResult, Target, TargetProcess, WriteFileOptions } from "./types";
import { abortError } from "../base/abort";
import { remainingOf } from "../base/deadline";
import { timeoutController } from "../base/timeout-signal";
import { DEFAULT_WRITE_FILE_TIMEOUT_MS, writeFileOptions } from "./write-file-options";
import { collectOutput, describeLocalCommand, startLocalChild } from "./local-child";
import { killProcessGroup } from "./process-group";
import { shellStatusOf, type ShellStatus } from "./not-runnable";

/**
 * The machine this code runs on as a {@link Target}: commands are spawned as argv (no shell) in
 * their own process group; a timeout or abort kills the whole group. An aborted `exec` rejects
 * with an error named "AbortError"; a timed-out one resolves with `timedOut: true`. A program that
 * does not exist ends with exit code 127, one that cannot be executed with 126, as over SSH.
 */
export function localTarget(): Target {
  return { description: "local", key: "local", exec: execLocal, spawn: spawnLocal, writeFile: writeLocalFile };
}

async function execLocal(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const context = describeLocalCommand(argv);
  const { signal } = options;
  const timeoutMs = remainingOf(options.deadline, context);
  if (signal?.aborted) throw abortError(context, signal);
  const started = performance.now();
  const start = await startOrShellStatus(argv, options, context);
  if ("exitCode" in start) return { stdout: "", stderr: start.stderr, exitCode: start.exitCode, signal: null, timedOut: false, durationMs: performance.now() - started };
  const { child, closed } = start;
  const stdout = collectOutput(child.stdout);
  const stderr = collectOutput(child.stderr);
  child.stdin.end(options.stdin ?? "");

  let timedOut = false;
  let aborted = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          killProcessGroup(child.pid);
        }, timeoutMs);
  const onAbort = () => {
    aborted = true;
    killProcessGroup(child.pid);
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) onAbort();
  try {
    const ended = await closed;
    if (aborted && !timedOut) throw abortError(context, signal!);
    return {
      stdout: stdout(),
      stderr: stderr(),
      exitCode: timedOut ? null : ended.exitCode,
      signal: ended.signal,
      timedOut,
      durationMs: performance.now() - started,
    };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

async function spawnLocal(
  argv: readonly string[],
  options: Omit<ExecOptions, "stdin" | "deadline"> = {},
): Promise<TargetProcess> {
  const context = describeLocalCommand(argv);
  const { signal } = options;
  if (signal?.aborted) throw abortError(context, signal);
  const start = await startOrShellStatus(argv, options, context);
  if ("exitCode" in start) return endedProcess(start);
  const { child, closed } = start;
  const kill = async () => {
    killProcessGroup(child.pid);
    await closed;
  };
  const onAbort = () => void kill();
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) onAbort();
  void closed.then(() => signal?.removeEventListener("abort", onAbort));
  return { stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, exited: closed, kill };
}

/** Starts argv, or reports a program that cannot start as the shell would (see {@link shellStatusOf}). */
async function startOrShellStatus(argv: readonly string[], options: Pick<ExecOptions, "env" | "cwd">, context: string) {
  try {
    return await startLocalChild(argv, options, context);
  } catch (error) {
    const status = await shellStatusOf(error, argv[0]!, options.cwd);
    if (status) return status;
    throw error;
  }
}

/** A process that never ran: empty stdout, the shell's message on stderr, already exited. */
function endedProcess(status: ShellStatus): TargetProcess {
  const stdin = new PassThrough();
  stdin.resume();
  return {
    stdin,
    stdout: Readable.from([]),
    stderr: Readable.from([Buffer.from(status.stderr)]),
    exited: Promise.resolve({ exitCode: status.exitCode, signal: null }),
    kill: async () => undefined,
  };
}

/**
 * Writes a local file. The deadline and the signal end the wait even when the write itself
 * cannot be interrupted (e.g. opening a FIFO nobody reads): the call rejects, the write is left behind.
 */
async function writeLocalFile(path: string, content: string | Buffer, optionsOrMode?: WriteFileOptions | number): Promise<void> {
  const { mode, deadline: given = DEFAULT_WRITE_FILE_TIMEOUT_MS, signal } = writeFileOptions(optionsOrMode);
  const context = `local: writing ${JSON.stringify(path)}`;
  const timeoutMs = remainingOf(given, context)!;
  if (signal?.aborted) throw abortError(context, signal);
  const timer = timeoutController(timeoutMs, signal);
  const deadline = timer.signal;
  const write = async () => {
    await writeFile(path, content, { signal: deadline, ...(mode === undefined ? {} : { mode }) });
    if (mode !== undefined) await chmod(path, mode); // writeFile's mode only applies to new files
  };
  let onAbort: (() => void) | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(deadline.reason);
    deadline.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([write(), expired]);
  } catch (error) {
    if (signal?.aborted) throw abortError(context, signal);
    if (deadline.aborted) {
      const timeout = new Error(`${context} did not finish within ${timeoutMs} ms`, { cause: deadline.reason });
      timeout.name = "TimeoutError";
      throw timeout;
    }
    throw new Error(`local: cannot write ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  } finally {
    deadline.removeEventListener("abort", onAbort!);
    timer.clear();
  }
}
