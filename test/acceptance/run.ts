/**
 * `npm run test:acceptance [-- --sweep | --plan]`: runs the acceptance suite alone, against the
 * pool the BIOXEN_ACCEPTANCE_* variables name (or the simulator). It owns the run id, so after
 * the suite ends — also on Ctrl-C or a crash — it sweeps whatever that run left on the pool.
 *   --sweep  remove the objects of earlier acceptance runs first (and only those)
 *   --plan   list what a run would create, with read-only XAPI calls only, and exit
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { planLines } from "./plan";
import { newRunId } from "./run-identity";
import { connectTo, findRunObjects, sweep } from "./sweep";
import { poolFromEnv, simulatorTarget, type AcceptanceTarget } from "./target";

const USAGE = "usage: npm run test:acceptance [-- --sweep | --plan]";

async function plan(runId: string): Promise<void> {
  const target: AcceptanceTarget = poolFromEnv() ?? (await simulatorTarget("127.92", "acceptance-plan-secret"));
  const client = await connectTo(target, "bioxen-acceptance-plan");
  try {
    console.log((await planLines(client, target, runId)).join("\n"));
  } finally {
    await client.close();
    await target.stop();
  }
}

/** Runs the suite in vitest; resolves with its exit code. Ctrl-C reaches vitest, then this sweep runs. */
function runSuite(runId: string, sweepEarlier: boolean): Promise<number> {
  const child = spawn(process.execPath, [require.resolve("vitest/vitest.mjs"), "run", "test/acceptance/acceptance.test.ts"], {
    cwd: resolve(__dirname, "../.."),
    stdio: "inherit",
    env: { ...process.env, BIOXEN_ACCEPTANCE_RUN_ID: runId, ...(sweepEarlier ? { BIOXEN_ACCEPTANCE_SWEEP: "1" } : {}) },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward).on("SIGTERM", forward);
  return new Promise((resolveCode) => child.on("exit", (code, signal) => resolveCode(code ?? (signal ? 130 : 1))));
}

/** The final sweep of this run on a real pool (the simulator is gone with the suite). */
async function finalSweep(runId: string): Promise<void> {
  const pool = poolFromEnv();
  if (!pool) return;
  const client = await connectTo(pool, "bioxen-acceptance-sweep");
  try {
    const left = (await findRunObjects(client)).filter((o) => o.runId === runId);
    const removed = await sweep(client, left);
    console.log(removed.length ? `acceptance: final sweep removed ${removed.join(", ")}` : "acceptance: final sweep: nothing of this run left");
  } finally {
    await client.close();
  }
}

async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== "--sweep" && a !== "--plan");
  if (unknown.length > 0 || (args.includes("--sweep") && args.includes("--plan"))) {
    console.error(`${USAGE}\nunknown or conflicting: ${args.join(" ")}`);
    return 2;
  }
  const runId = newRunId();
  if (args.includes("--plan")) {
    await plan(runId);
    return 0;
  }
  const code = await runSuite(runId, args.includes("--sweep"));
  await finalSweep(runId);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`acceptance: ${(error as Error).message}`);
    process.exit(1);
  },
);
