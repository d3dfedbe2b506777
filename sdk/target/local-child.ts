import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import type { ExecOptions } from "./types";
import { argvProblem } from "../base/argv";
import { assertEnvNames } from "../base/env";

/** A started local child and a promise for the moment all of its stdio has closed. */
export interface LocalChild {
  child: ChildProcessWithoutNullStreams;
  closed: Promise<{ exitCode: number | null; signal: string | null }>;
}

/** `local: "lua5.4" -e …` style label for error messages (argv elements after the first are cut short). */
export function describeLocalCommand(argv: readonly string[]): string {
  const shown = argv.slice(0, 3).map((part) => JSON.stringify(part.length > 40 ? `${part.slice(0, 40)}…` : part));
  return `local: ${shown.join(" ")}${argv.length > 3 ? " …" : ""}`;
}

/**
 * Spawns argv directly (no shell) as the leader of a new process group, with `env` merged over
 * process.env. Resolves once the process runs; rejects with context when it cannot start
 * (missing program → error code "ENOENT", missing cwd, …) or when {@link argvProblem} refuses
 * the input (no `code`).
 */
export function startLocalChild(
  argv: readonly string[],
  options: Pick<ExecOptions, "env" | "cwd">,
  context: string,
): Promise<LocalChild> {
  const problem = argvProblem(argv, options.env, options.cwd);
  if (problem) return Promise.reject(new Error(`${context}: ${problem}`));
  assertEnvNames(options.env, context);
  const child = spawn(argv[0], argv.slice(1), {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true, // own process group, so a timeout can kill everything the command started
    stdio: ["pipe", "pipe", "pipe"],
  });
  const closed = new Promise<{ exitCode: number | null; signal: string | null }>((resolve) =>
    child.once("close", (exitCode, signal) => resolve({ exitCode, signal })),
  );
  // A reader that stops early (or a killed child) must not crash the host with EPIPE.
  child.stdin.on("error", () => undefined);
  return new Promise((resolve, reject) => {
    child.once("spawn", () => resolve({ child, closed }));
    child.once("error", (error: NodeJS.ErrnoException) => {
      const where = options.cwd === undefined ? "" : ` in ${JSON.stringify(options.cwd)}`;
      const hint = error.code === "ENOENT" ? " (program or working directory not found)" : "";
      reject(Object.assign(new Error(`${context}: cannot start${where}: ${error.message}${hint}`, { cause: error }), { code: error.code }));
    });
  });
}

/** Gathers a stream's bytes; the returned function decodes them as UTF-8 once the stream ended. */
export function collectOutput(stream: NodeJS.ReadableStream): () => string {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString("utf8");
}
