import { withDeadline } from "../base/deadline";
import { WaitError } from "../base/errors";

/** Options of {@link onTerminationSignals}. */
export interface SignalCleanupOptions {
  /** Signals to handle (default SIGINT and SIGTERM). */
  signals?: readonly NodeJS.Signals[];
  /** Give up on cleanup this long after the signal and let it end the process anyway (default 30 000 ms). */
  timeoutMs?: number;
  /** Told about a cleanup that failed or ran out of time (default: written to stderr). */
  onCleanupError?: (error: Error) => void;
}

/**
 * On the first of `signals`, runs `cleanup` (bounded by the deadline), removes the handlers and
 * raises the same signal again, so the process ends exactly as it would have without us (exit
 * status 128+n, parent sees the signal). A second signal during cleanup ends the process at once.
 * @returns a function that removes the handlers
 */
export function onTerminationSignals(cleanup: (signal: AbortSignal) => Promise<void>, options: SignalCleanupOptions = {}): () => void {
  const signals = options.signals ?? ["SIGINT", "SIGTERM"];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const expired = (what: string, reason: WaitError["reason"], waitedMs: number) => new WaitError(what, reason, waitedMs, { message: `cleanup did not finish within ${timeoutMs} ms` });
  const report = options.onCleanupError ?? ((error: Error) => process.stderr.write(`bioxen-luavm: cleanup on signal failed: ${error.message}\n`));
  let cleaning = false;
  const remove = () => signals.forEach((name) => process.removeListener(name, handler));
  const reraise = (signal: NodeJS.Signals) => {
    remove();
    process.kill(process.pid, signal);
  };
  const handler = (signal: NodeJS.Signals) => {
    if (cleaning) return reraise(signal);
    cleaning = true;
    withDeadline({ deadline: timeoutMs }, `cleanup on ${signal}`, cleanup, expired)
      .catch((error: unknown) => report(error instanceof Error ? error : new Error(String(error))))
      .finally(() => reraise(signal));
  };
  signals.forEach((name) => process.on(name, handler));
  return remove;
}
