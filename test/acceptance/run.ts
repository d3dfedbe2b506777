/**
 * `npm run test:acceptance [-- --sweep | --plan]`: runs the acceptance suite alone, against the
 * pool the BIOXEN_ACCEPTANCE_* variables name (or the simulator). It owns the run id, so after
 * the suite ends — also on Ctrl-C or a crash — it sweeps whatever that run left on the pool.
 *   --sweep  remove the objects of earlier acceptance runs first (and only those)
 *   --plan   list what a run would create, with read-only XAPI calls only, and exit
 *   --scenario NAME   run only this scenario (repeatable; names as the report prints them)
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { planLines } from "./plan";
import { newRunId } from "./run-identity";
import { selectScenarioNames } from "./scenario-names";
import { connectTo, sweepRun } from "./sweep";
import { poolFromEnv, simulatorTarget, type AcceptanceTarget } from "./target";

const USAGE = "usage: npm run test:acceptance [-- [--sweep] [--scenario NAME]… | --plan]";

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

/** This process's environment without a surrounding vitest's variables (the runner may itself run under a test). */
function ownEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST") && key !== "NODE_OPTIONS"));
}

/** Runs the suite in vitest; resolves with its exit code. Ctrl-C reaches vitest, then this sweep runs. */
function runSuite(runId: string, sweepEarlier: boolean, scenarios: string[]): Promise<number> {
  const child = spawn(process.execPath, [require.resolve("vitest/vitest.mjs"), "run", "test/acceptance/acceptance.test.ts"], {
    cwd: resolve(__dirname, "../.."),
    stdio: "inherit",
    // Its own process group: Ctrl-C stops vitest, its workers and their provider hosts together.
    detached: true,
    env: { ...ownEnv(), BIOXEN_ACCEPTANCE_RUN_ID: runId, ...(sweepEarlier ? { BIOXEN_ACCEPTANCE_SWEEP: "1" } : {}), ...(scenarios.length ? { BIOXEN_ACCEPTANCE_SCENARIOS: scenarios.join(",") } : {}) },
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // ESRCH: the group is gone already.
    }
  };
  process.on("SIGINT", () => signalGroup("SIGINT")).on("SIGTERM", () => signalGroup("SIGTERM"));
  return new Promise((resolveCode) =>
    child.on("exit", (code, signal) => {
      signalGroup("SIGKILL"); // whatever of the group outlived vitest
      resolveCode(code ?? (signal ? 130 : 1));
    }),
  );
}

/** The final sweep of this run on a real pool (the simulator is gone with the suite). */
async function finalSweep(runId: string): Promise<void> {
  const pool = poolFromEnv();
  if (!pool) return;
  const client = await connectTo(pool, "bioxen-acceptance-sweep");
  try {
    const removed = await sweepRun(client, runId);
    console.log(removed.length ? `acceptance: final sweep removed ${removed.join(", ")}` : "acceptance: final sweep: nothing of this run left");
  } finally {
    await client.close();
  }
}

async function main(args: string[]): Promise<number> {
  let values: { sweep?: boolean; plan?: boolean; scenario?: string[] };
  try {
    ({ values } = parseArgs({ args, options: { sweep: { type: "boolean" }, plan: { type: "boolean" }, scenario: { type: "string", multiple: true } }, strict: true, allowPositionals: false }));
    if (values.plan && (values.sweep || values.scenario)) throw new Error("--plan runs nothing: it takes no --sweep or --scenario");
    selectScenarioNames(values.scenario?.join(","));
  } catch (error) {
    console.error(`${USAGE}\n${(error as Error).message}`);
    return 2;
  }
  const runId = newRunId();
  if (values.plan) {
    await plan(runId);
    return 0;
  }
  const code = await runSuite(runId, values.sweep ?? false, values.scenario ?? []);
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
