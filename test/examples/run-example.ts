import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The repository root (examples and scripts run from there). */
export const REPO_ROOT = resolve(__dirname, "../..");

/** tsx keeps its transpile cache in `$TMPDIR/tsx-<uid>`: the runner's, not the example's. */
const TSX_CACHE = /^tsx-\d+$/;

/** What one example run printed, its exit code, and what it left in its private TMPDIR. */
export interface ExampleRun {
  stdout: string;
  stderr: string;
  code: number | null;
  /** Entries left in the TMPDIR the example ran with (must be none), tsx's own compile cache aside. */
  leftInTmp: string[];
}

/**
 * Runs a command from the repository root with a private, fresh TMPDIR (so that whatever it
 * leaves behind is visible), waits for it (deadline `timeoutMs`) and removes the TMPDIR again.
 */
export async function runExample(argv: readonly string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<ExampleRun> {
  const tmp = await mkdtemp(join(tmpdir(), "bioxen-example-run-"));
  try {
    const outcome = await new Promise<Omit<ExampleRun, "leftInTmp">>((resolveRun) => {
      execFile(argv[0]!, argv.slice(1), { cwd: REPO_ROOT, env: { ...process.env, ...env, TMPDIR: tmp }, timeout: timeoutMs, killSignal: "SIGINT" }, (error, stdout, stderr) => {
        resolveRun({ stdout, stderr, code: error ? (typeof error.code === "number" ? error.code : null) : 0 });
      });
    });
    return { ...outcome, leftInTmp: (await readdir(tmp)).filter((entry) => !TSX_CACHE.test(entry)) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
