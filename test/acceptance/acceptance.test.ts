/**
 * Issue #18's acceptance suite: the scenarios of ./scenarios.ts through the real dynamic-provider
 * host, against the pool the BIOXEN_ACCEPTANCE_* variables name, or the simulator when none is set
 * (so every CI run goes through the same code path). `npm run test:acceptance` runs it alone (see
 * ./run.ts for --sweep and --plan); `npm test` runs it on the simulator with everything else.
 *
 * Safety on a real pool: objects carry this run's marker and name prefix; the suite refuses to
 * start while objects of an earlier run exist (BIOXEN_ACCEPTANCE_SWEEP=1 removes exactly those);
 * a final sweep removes what this run left, even after a failure. Nothing else is touched.
 *
 * Needs a fresh `npm run build`: the provider host loads bioxen-luavm/provider/impl/* from dist/.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAllSshConnections } from "../../sdk/ssh";
import type { XapiClient } from "../../sdk/xapi";
import { Engine, type ProgramDir } from "../support/engine";
import { checkoutProgramDir, simEngine } from "../support/engine-suite";
import { expectNoSecretLeaks, privateKeyLines } from "../provider/support/engine-checks";
import { startRecordingProxy, type RecordingProxy } from "./recording-proxy";
import { redact, writeReport, type AcceptanceReport, type PhaseResult, type ScenarioResult } from "./report";
import { ACCEPTANCE_PROJECT, checkRunId, newRunId } from "./run-identity";
import { selectScenarios, type ScenarioRun } from "./scenarios";
import { connectTo, findRunObjects, objectsOfRun, sweep, sweepRun } from "./sweep";
import { poolFromEnv, simulatorTarget, type AcceptanceTarget } from "./target";

const RUN_ID = process.env.BIOXEN_ACCEPTANCE_RUN_ID ? checkRunId(process.env.BIOXEN_ACCEPTANCE_RUN_ID) : newRunId();
const REPORT_DIR = process.env.BIOXEN_ACCEPTANCE_REPORT_DIR ?? resolve(__dirname, "../../.tmp/acceptance");
const SIM_PASSWORD = "acceptance-xapi-secret-8d41c2";
const pool = poolFromEnv();
const scenarios = selectScenarios(process.env.BIOXEN_ACCEPTANCE_SCENARIOS);
/** Ceilings for a slow pool or a loaded machine, not expectations. */
const SCENARIO_TIMEOUT_MS = pool ? 1_800_000 : 300_000;

let target: AcceptanceTarget;
let proxy: RecordingProxy;
let direct: XapiClient;
let proxied: XapiClient;
let program: ProgramDir;
let home: string;
const report: AcceptanceReport = { runId: RUN_ID, target: { kind: pool ? "pool" : "simulator", url: "" }, hosts: [], startedAt: new Date().toISOString(), scenarios: [], swept: [] };

beforeAll(async () => {
  target = pool ?? (await simulatorTarget("127.91", SIM_PASSWORD));
  report.target.url = new URL(target.xapi.url).origin;
  direct = await connectTo(target, "bioxen-acceptance-sweep");
  await refuseOrSweepEarlierRuns(direct);
  report.hosts = await hostVersions(direct);
  proxy = await startRecordingProxy(target);
  proxied = await connectTo({ ...target, xapi: { url: proxy.url, username: target.xapi.username, password: target.xapi.password } });
  program = checkoutProgramDir();
  home = mkdtempSync(join(tmpdir(), "bioxen-acceptance-home-"));
}, 600_000);

afterAll(async () => {
  try {
    if (direct) report.swept = await sweepRun(direct, RUN_ID);
  } finally {
    report.finishedAt = new Date().toISOString();
    const paths = writeReport(REPORT_DIR, report);
    console.info(`acceptance report: ${paths.json} and ${paths.text}`);
    await closeAllSshConnections();
    await proxied?.close();
    await direct?.close();
    await proxy?.stop();
    program?.remove();
    if (home) rmSync(home, { recursive: true, force: true });
    await target?.stop();
  }
}, 600_000);

/** Objects of earlier runs block the start unless BIOXEN_ACCEPTANCE_SWEEP=1, which removes exactly those. */
async function refuseOrSweepEarlierRuns(client: XapiClient): Promise<void> {
  const earlier = (await findRunObjects(client)).filter((o) => o.runId !== RUN_ID);
  if (earlier.length === 0) return;
  const listed = earlier.map((o) => `${o.cls} ${o.uuid} "${o.name}" (run ${o.runId})`).join(", ");
  if (process.env.BIOXEN_ACCEPTANCE_SWEEP !== "1") {
    throw new Error(`acceptance: the pool holds ${earlier.length} object(s) of earlier acceptance runs: ${listed}. Run again with --sweep (BIOXEN_ACCEPTANCE_SWEEP=1) to remove exactly those.`);
  }
  const removed = await sweep(client, earlier);
  console.info(`acceptance: removed ${removed.length} object(s) of earlier runs: ${removed.join(", ")}`);
}

async function hostVersions(client: XapiClient): Promise<AcceptanceReport["hosts"]> {
  const hosts = (await client.call("host.get_all_records")) as Record<string, { name_label: string; software_version: Record<string, string> }>;
  return Object.values(hosts).map((h) => ({ name: h.name_label, softwareVersion: h.software_version }));
}

function newEngine(): Engine {
  return simEngine({ url: proxy.url, username: target.xapi.username, password: target.xapi.password }, {
    project: ACCEPTANCE_PROJECT,
    stack: RUN_ID,
    programDir: program.dir,
    // luarocks keeps its download cache under $HOME: keep LocalLua's in the run's folder.
    host: { env: { HOME: home }, callTimeoutMs: SCENARIO_TIMEOUT_MS },
  });
}

const secrets = () => [target.xapi.password, ...privateKeyLines(target.ssh.privateKey)];

describe(`acceptance (run ${RUN_ID})`, () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const result: ScenarioResult = { name: scenario.name, status: "failed", phases: [] };
      report.scenarios.push(result);
      const engines: Engine[] = [];
      const ctx: ScenarioRun = {
        target,
        runId: RUN_ID,
        client: proxied,
        engine: () => {
          const engine = newEngine();
          engines.push(engine);
          return engine;
        },
        async phase(name, body) {
          proxy.take();
          const started = Date.now();
          const value = await body();
          const phase: PhaseResult = { name, ms: Date.now() - started, xapiCalls: proxy.take() };
          result.phases.push(phase);
          return { value, phase };
        },
      };
      try {
        await scenario.body(ctx);
        for (const engine of engines) expectNoSecretLeaks(engine, secrets());
        result.status = "passed";
      } catch (error) {
        result.error = redact(error instanceof Error ? `${error.stack ?? error.message}` : String(error), [target.xapi.password, target.ssh.privateKey]);
        for (const engine of engines) if (engine.state.length > 0) await engine.destroy().catch(() => undefined);
        throw error;
      }
    }, SCENARIO_TIMEOUT_MS);
  }

  it("leaves nothing of its run on the pool", async () => {
    expect((await objectsOfRun(direct, RUN_ID)).map((o) => `${o.cls} ${o.uuid} "${o.name}"`)).toEqual([]);
  });
});
