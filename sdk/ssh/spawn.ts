import type { ExecOptions, TargetProcess } from "../target/types";
import type { PooledConnection } from "./pool";
import { buildRemoteCommand } from "./remote-command";
import { RemoteProcess } from "./remote-process";

/** How long kill() lets the process group react to SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 3_000;

/** Starts one argv on its own channel and hands back its streams. */
export async function spawnOnConnection(
  connection: PooledConnection,
  argv: readonly string[],
  options: Omit<ExecOptions, "stdin" | "deadline">,
  target: string,
): Promise<TargetProcess> {
  const command = buildRemoteCommand(argv, options, target);
  const { channel, lease, exitReport } = await connection.openExec(command, "an exec channel", { signal: options.signal });
  const process = new RemoteProcess(connection, channel, lease, exitReport);
  let killing: Promise<void> | undefined;
  const kill = () => (killing ??= process.terminate(TERM_GRACE_MS).then(() => undefined));
  const onAbort = () => void kill();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  // Once the process has exited nothing is left to kill: the caller's (maybe long-lived) signal lets go of it.
  const forget = () => options.signal?.removeEventListener("abort", onAbort);
  void process.exited.then(forget, forget);
  const exited = process.exited.then(({ exitCode, signal }) => ({ exitCode, signal }));
  return { stdin: channel, stdout: process.stdout, stderr: channel.stderr, exited, kill };
}
