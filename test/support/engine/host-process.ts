import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { dynamicProviderHostScript } from "./pulumi-modules";

/** One line the host process wrote. */
export interface HostLogLine {
  /** Which stream it came from. */
  stream: "stdout" | "stderr";
  /** The line, without its newline. */
  line: string;
}

/**
 * Orphan guard, preloaded into every host: the host exits when its stdin reaches end of file.
 * Its stdin is a pipe whose only writer is this (test) process and which we never close, so EOF
 * means this process is gone — however it died (vitest killing a worker mid-operation, a crash,
 * SIGKILL), since the kernel closes a dead process's pipes. An `exit` handler here would miss
 * SIGKILL, and a wrapper process would have to relay signals; a preload needs neither. The host
 * reads nothing else from stdin (the engine does not write to a plugin's stdin either). Passed as
 * a data: URL so there is no file to ship; `--import` runs it before the host script.
 */
const ORPHAN_GUARD = 'const bye = () => process.exit(1); process.stdin.on("end", bye).on("error", bye).resume();';
const ORPHAN_GUARD_ARGS = [`--import=data:text/javascript,${encodeURIComponent(ORPHAN_GUARD)}`];

/** How to start the dynamic-provider host process. */
export interface HostProcessOptions {
  /** Working directory = the Pulumi program folder; the provider's `require`s resolve from it. */
  cwd: string;
  /** Extra environment variables (added to this process's environment minus NODE_OPTIONS). */
  env?: Record<string, string>;
  /** Extra node flags placed before the script (e.g. a loader); empty = node as the engine runs it, plus the orphan guard. */
  nodeArgs?: string[];
  /** How long to wait for the port line. Default 30 s. */
  startTimeoutMs?: number;
  /** Aborts the start. */
  signal?: AbortSignal;
}

/** A running `node …/cmd/dynamic-provider` process and the gRPC port it printed. */
export interface HostProcess {
  /** The child process. */
  child: ChildProcess;
  /** The gRPC port from its first stdout line. */
  port: number;
  /** Every later stdout line and every stderr line, in arrival order. */
  logs: HostLogLine[];
}

/**
 * Starts the dynamic-provider host the way the engine does: one (unused) engine-address argument,
 * cwd = the program folder. Resolves once the first stdout line (the port) arrives; rejects with
 * the captured output when the process exits first or the deadline passes. The host's stdin is
 * a pipe held open by this process: the orphan guard ends the host when this process dies.
 */
export function startHostProcess(options: HostProcessOptions): Promise<HostProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // Under vitest NODE_OPTIONS may carry test-runner flags; the engine's host runs plain node.
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [...ORPHAN_GUARD_ARGS, ...(options.nodeArgs ?? []), dynamicProviderHostScript, "127.0.0.1:0"], {
    cwd: options.cwd,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const logs: HostLogLine[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => logs.push({ stream: "stderr", line }));
  const stdout = createInterface({ input: child.stdout! });
  return new Promise<HostProcess>((resolve, reject) => {
    let port: number | undefined;
    const fail = (why: string) => {
      cleanup();
      child.kill("SIGKILL");
      const output = logs.map((l) => `  ${l.stream}: ${l.line}`).join("\n");
      reject(new Error(`dynamic-provider host (cwd ${options.cwd}) did not start: ${why}${output ? `\n${output}` : ""}`));
    };
    const onAbort = () => fail("aborted");
    const onExit = (code: number | null, sig: string | null) => fail(`exited with ${code ?? sig} before printing its port`);
    const timer = setTimeout(() => fail(`no port line within ${options.startTimeoutMs ?? 90_000} ms`), options.startTimeoutMs ?? 90_000);
    const cleanup = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      child.off("exit", onExit);
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.once("exit", onExit);
    child.once("error", (err) => fail(err.message));
    stdout.on("line", (line) => {
      if (port !== undefined) return void logs.push({ stream: "stdout", line });
      port = Number(line.trim());
      if (!Number.isInteger(port) || port <= 0) return fail(`first stdout line is not a port: ${JSON.stringify(line)}`);
      cleanup();
      resolve({ child, port, logs });
    });
  });
}

/** How long a provider host gets to exit after SIGINT before it is killed, like the engine's plugin cooldown. */
export const HOST_STOP_GRACE_MS = 1_000;

/**
 * Stops the host as the Pulumi engine stops a provider plugin (pulumi/pulumi
 * sdk/go/common/util/cmdutil/term.go `TerminateProcess`): SIGINT first, so the provider can
 * clean up (provider/runtime/connections.ts logs its XAPI sessions out on it), then SIGKILL
 * when it has not exited after `graceMs`. Resolves once the process is gone. The host never
 * exits by itself while this process lives (only the orphan guard ends it, when this process
 * dies), so this is the way it ends.
 */
export function stopHostProcess(child: ChildProcess, graceMs = HOST_STOP_GRACE_MS): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGINT");
  });
}
