import { finished } from "node:stream/promises";
import { remainingOf } from "../base/deadline";
import { timeoutController } from "../base/timeout-signal";
import type { ExecOptions, ExecResult } from "../target/types";
import { SshError } from "./errors";
import type { PooledConnection } from "./pool";
import { buildRemoteCommand } from "./remote-command";
import { RemoteProcess } from "./remote-process";

/** Runs one argv on a pooled connection and collects stdout and stderr in full. */
export async function execOnConnection(connection: PooledConnection, argv: readonly string[], options: ExecOptions, target: string): Promise<ExecResult> {
  const command = buildRemoteCommand(argv, options, target);
  const started = performance.now();
  const { signal } = options;
  const timeoutMs = remainingOf(options.deadline, `${target}: ${argv[0] ?? "exec"}`);
  if (signal?.aborted) throw abortedError(target, argv, signal);
  // The timeout counts from the call: waiting for a free channel (others may hold every slot for long) is part of it.
  const opening = timeoutMs === undefined ? undefined : timeoutController(timeoutMs, signal);
  const openSignal = opening?.signal ?? signal;
  const opened = await connection
    .openExec(command, "an exec channel", { signal: openSignal, openTimeoutMs: timeoutMs })
    .catch((err: unknown) => {
      if (signal?.aborted) throw abortedError(target, argv, signal);
      if (openSignal?.aborted) return undefined;
      throw err;
    })
    .finally(() => opening?.clear());
  if (!opened) return { stdout: "", stderr: "", exitCode: null, signal: null, timedOut: true, durationMs: performance.now() - started };
  const { channel, lease, exitReport } = opened;
  const process = new RemoteProcess(connection, channel, lease, exitReport);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  process.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  channel.end(options.stdin ?? undefined);

  let timedOut = false;
  const timer = timeoutMs !== undefined
    ? setTimeout(() => {
        timedOut = true;
        void process.terminate(0);
      }, Math.max(1, timeoutMs - (performance.now() - started)))
    : undefined;
  const onAbort = () => void process.terminate(0);
  signal?.addEventListener("abort", onAbort, { once: true });
  const exit = await process.exited.finally(() => {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  });
  await Promise.all([finished(process.stdout).catch(() => undefined), finished(channel.stderr).catch(() => undefined)]);

  if (signal?.aborted) throw abortedError(target, argv, signal);
  if (exit.lostConnection && !timedOut) {
    throw new SshError("CHANNEL", target, `the connection was lost while running ${argv[0]}; its outcome is unknown`);
  }
  return {
    stdout: Buffer.concat(stdout).toString("utf8"),
    stderr: Buffer.concat(stderr).toString("utf8"),
    exitCode: timedOut ? null : exit.exitCode,
    signal: exit.signal,
    timedOut,
    durationMs: performance.now() - started,
  };
}

function abortedError(target: string, argv: readonly string[], signal: AbortSignal): SshError {
  return new SshError("ABORTED", target, `running ${argv[0]} was aborted (the remote process group was killed)`, { cause: signal.reason });
}
