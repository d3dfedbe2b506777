/**
 * The env-driven path of `npm run test:acceptance`, exercised the way a user runs it against a
 * pool: the simulator runs as a separate process (`bioxen-luavm-sim --https`, real sshd guests),
 * reached only through BIOXEN_ACCEPTANCE_* (TLS pinned by fingerprint). The runner refuses to start
 * while an earlier run's object is on the pool, removes exactly it with --sweep, passes a
 * scenario and reports the pool; interrupted with Ctrl-C mid-create, its final sweep leaves
 * nothing of the run behind and nothing else touched.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XapiClient } from "../../sdk/xapi";
import { findTemplate, installVm, ownerMarkerKey } from "../../sdk/xapi/recipes";
import { TEMPLATES, SEEDED } from "../../sim";
import { generateClientKeyPair } from "../support/client-key";
import { startRocksServer, type RocksServer } from "../../scripts/support/rocks-server";
import { ROCK_FIXTURES_DIR } from "../support/rocks-server";
import type { AcceptanceReport } from "./report";
import { ACCEPTANCE_PROJECT, namePrefix, newRunId } from "./run-identity";
import { findRunObjects } from "./sweep";
import { WORKLOAD_ROCK_DIR } from "./target";

const ROOT = resolve(__dirname, "../..");
const RUNNER = join(ROOT, "test/acceptance/run.ts");
let dir: string;
let sim: ChildProcess;
let pool: { url: string; username: string; password: string; certificateFingerprint256: string };
let rocks: RocksServer;
let client: XapiClient;
let env: NodeJS.ProcessEnv;

/** Starts the simulator CLI from the build and resolves with its ready line. */
async function startSimCli(authorizedKeys: string): Promise<typeof pool> {
  sim = spawn(process.execPath, [join(ROOT, "dist/sim/cli.js"), "--https", "--authorized-keys", authorizedKeys, "--address-base", "127.93", "--boot-delay", "100"], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: sim.stdout! }).once("line", resolveLine);
    sim.once("exit", (code) => reject(new Error(`bioxen-luavm-sim exited (${code}) before it was ready`)));
  });
  return JSON.parse(line) as typeof pool;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bioxen-acceptance-env-"));
  const keys = generateClientKeyPair();
  writeFileSync(join(dir, "id"), keys.private, { mode: 0o600 });
  writeFileSync(join(dir, "authorized_keys"), `${keys.public}\n`);
  [pool, rocks] = await Promise.all([startSimCli(join(dir, "authorized_keys")), startRocksServer([join(ROCK_FIXTURES_DIR, "alpha-1.0-1"), join(ROCK_FIXTURES_DIR, "alpha-2.0-1"), WORKLOAD_ROCK_DIR])]);
  client = await XapiClient.connect({ url: pool.url, username: pool.username, password: pool.password, tls: { fingerprint256: pool.certificateFingerprint256 } });
  env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("BIOXEN_ACCEPTANCE_"))),
    BIOXEN_ACCEPTANCE_XAPI_URL: pool.url,
    BIOXEN_ACCEPTANCE_XAPI_USERNAME: pool.username,
    BIOXEN_ACCEPTANCE_XAPI_PASSWORD: pool.password,
    BIOXEN_ACCEPTANCE_TLS_FINGERPRINT: pool.certificateFingerprint256,
    BIOXEN_ACCEPTANCE_TEMPLATE: TEMPLATES.cloneReady,
    BIOXEN_ACCEPTANCE_NETWORK: SEEDED.managementNetwork,
    BIOXEN_ACCEPTANCE_SSH_USER: userInfo().username,
    BIOXEN_ACCEPTANCE_SSH_PORT: "2222",
    BIOXEN_ACCEPTANCE_SSH_PRIVATE_KEY_FILE: join(dir, "id"),
    BIOXEN_ACCEPTANCE_ROCKS_SERVER: rocks.url,
    BIOXEN_ACCEPTANCE_REPORT_DIR: join(dir, "report"),
  };
}, 120_000);

afterAll(async () => {
  await client?.close();
  await rocks?.stop();
  if (sim && sim.exitCode === null) {
    const exited = new Promise((done) => sim.once("exit", done));
    sim.kill("SIGINT");
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** Runs the acceptance runner; `interrupt` is called once it runs and may signal it. */
function runner(args: string[], interrupt?: (child: ChildProcess) => Promise<void>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", RUNNER, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  void interrupt?.(child);
  return new Promise((done) => child.on("exit", (code) => done({ code, output })));
}

const vmUuids = async () => Object.values((await client.call("VM.get_all_records")) as Record<string, { uuid: string }>).map((r) => r.uuid).sort();

describe("npm run test:acceptance against a pool named by BIOXEN_ACCEPTANCE_*", () => {
  it("refuses an earlier run's leftovers, removes exactly them with --sweep, then passes and reports the pool", async () => {
    const earlierRun = newRunId(Date.now() - 86_400_000);
    const template = await findTemplate(client, TEMPLATES.cloneReady);
    const leftover = await installVm(client, template.ref, { name: `${namePrefix(earlierRun)}swap`, mode: "clone", owner: `${ACCEPTANCE_PROJECT}/${earlierRun}/XcpngLuaVM/swap`, deadline: 30_000 });
    const leftoverUuid = String(await client.call("VM.get_uuid", leftover));

    const refused = await runner(["--scenario", "replace"]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(`object(s) of earlier acceptance runs: VM ${leftoverUuid}`);
    expect(await vmUuids()).toContain(leftoverUuid);

    const before = (await vmUuids()).filter((u) => u !== leftoverUuid);
    const passed = await runner(["--sweep", "--scenario", "replace"]);
    expect(passed.code, passed.output).toBe(0);
    expect(await vmUuids()).toEqual(before);
    const report = JSON.parse(readFileSync(join(dir, "report/acceptance-report.json"), "utf8")) as AcceptanceReport;
    expect(report.target).toEqual({ kind: "pool", url: new URL(pool.url).origin });
    expect(report.hosts[0]!.softwareVersion.product_version).toBeTruthy();
    expect(report.scenarios.map((s) => [s.name, s.status])).toEqual([["replace", "passed"]]);
    expect(report.scenarios[0]!.phases.find((p) => p.name.startsWith("replace"))!.xapiCalls["Async.VM.copy"]).toBe(1);
    expect(readFileSync(join(dir, "report/acceptance-report.json"), "utf8")).not.toContain(pool.password);
  }, 600_000);

  it("sweeps what an interrupted run made once Ctrl-C stops it mid-create, and touches nothing else", async () => {
    const before = await vmUuids();
    let interruptedWith: string | undefined;
    const interrupted = await runner(["--scenario", "whole-stack lifecycle"], async (child) => {
      // As soon as the run's first VM exists on the pool: Ctrl-C.
      const event = await client.waitFor(["vm"], (e) => String((e.snapshot?.other_config as Record<string, string> | undefined)?.[ownerMarkerKey] ?? "").startsWith(`${ACCEPTANCE_PROJECT}/acc-`), { deadline: 300_000 });
      interruptedWith = String(event.snapshot?.name_label);
      child.kill("SIGINT");
    });
    expect(interruptedWith).toMatch(/^bxacc-acc-[0-9a-z]+-life-/);
    expect(interrupted.code).not.toBe(0);
    expect(interrupted.output).toMatch(/acceptance: final sweep (removed VM|: nothing)/);
    expect(await findRunObjects(client)).toEqual([]);
    const after = await vmUuids();
    const extra = await Promise.all(after.filter((u) => !before.includes(u)).map(async (u) => client.call("VM.get_record", await client.call("VM.get_by_uuid", u) as string)));
    expect(extra).toEqual([]);
    expect(after).toEqual(before);
  }, 600_000);
});
