/**
 * The acceptance scenarios: what a user does with bioxen-luavm, end to end through the real
 * dynamic-provider host, asserting what the user would check by hand. Each scenario removes
 * what it made (its last phase is a destroy) and records its phases for the report.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import { sshTarget } from "../../sdk/ssh";
import { ensureXcpngLuaVm } from "../../sdk/vm/xcpng";
import type { XapiClient } from "../../sdk/xapi";
import { markerPrefix, ownerMarkerKey, selfMarkerKey } from "../../sdk/xapi/recipes";
import type { Engine, OperationResult } from "../support/engine";
import { mutations } from "../provider/support/engine-checks";
import { LIFECYCLE, adoptProgram, lifecycleProgram, replaceProgram, workloadProgram, type ProgramContext } from "./programs";
import type { PhaseResult } from "./report";
import { selectScenarioNames, type ScenarioName } from "./scenario-names";
import { ACCEPTANCE_PROJECT, namePrefix } from "./run-identity";
import { VERSIONED_ROCK, WORKLOAD_ROCK_DIR } from "./target";

const run = promisify(execFile);
const SAMPLE_FASTA = resolve(__dirname, "../../examples/data/sample.fasta");

/** What a scenario gets from the suite. */
export interface ScenarioRun extends ProgramContext {
  /** The suite's own XAPI client (through the recording proxy). */
  client: XapiClient;
  /** A fresh engine on the run's stack. */
  engine(): Engine;
  /** Runs one timed phase; its XAPI calls are recorded. */
  phase<T>(name: string, body: () => Promise<T>): Promise<{ value: T; phase: PhaseResult }>;
}

/** A scenario: a name and its body. */
export interface Scenario {
  name: ScenarioName;
  body(run: ScenarioRun): Promise<void>;
}

function resourceOf(engine: Engine, name: string): { id: string; outputs: Record<string, unknown> } {
  const res = engine.state.find((r) => r.urn.endsWith(`::${name}`));
  if (!res) throw new Error(`no ${name} in state (have: ${engine.state.map((r) => r.urn.split("::").pop()).join(", ")})`);
  return { id: res.id, outputs: res.outputs as Record<string, unknown> };
}

/** A VM's record by uuid, or undefined when it is gone. */
async function vmRecord(client: XapiClient, uuid: string): Promise<Record<string, unknown> | undefined> {
  const ref = await client.call("VM.get_by_uuid", uuid).catch(() => undefined);
  return ref === undefined ? undefined : ((await client.call("VM.get_record", ref as string)) as Record<string, unknown>);
}

/** Asserts the VM exists, named with the run's prefix and marked by the resource `name` of this run. */
async function expectOurVm(ctx: ScenarioRun, uuid: string, name: string, vmName = name): Promise<void> {
  const record = await vmRecord(ctx.client, uuid);
  expect(record, `VM ${uuid} of ${name}`).toBeDefined();
  const otherConfig = record!.other_config as Record<string, string>;
  expect(otherConfig[ownerMarkerKey]).toBe(`${ACCEPTANCE_PROJECT}/${ctx.runId}/XcpngLuaVM/${name}`);
  expect(otherConfig[selfMarkerKey]).toBe(uuid);
  expect(record!.name_label).toBe(`${namePrefix(ctx.runId)}${vmName}`);
}

async function expectGone(ctx: ScenarioRun, uuids: readonly string[]): Promise<void> {
  for (const uuid of uuids) expect(await vmRecord(ctx.client, uuid), `VM ${uuid} is gone`).toBeUndefined();
}

const sorted = (result: OperationResult) => mutations(result).sort();

/** Two VMs, a private network, packages on a VM and locally: up, no-op, change, drift, repair, destroy. */
const lifecycle: Scenario = {
  name: "whole-stack lifecycle",
  async body(ctx) {
    const engine = ctx.engine();
    const [vmA, vmB] = LIFECYCLE.vms;
    const first = await ctx.phase("up", () => engine.up(lifecycleProgram(ctx, { alphaVersion: VERSIONED_ROCK.from, vmBTags: [] })));
    expect(sorted(first.value)).toEqual([...LIFECYCLE.vms, LIFECYCLE.network, LIFECYCLE.vmPackage, LIFECYCLE.local, LIFECYCLE.localPackage].map((n) => `create ${n}`).sort());
    const ids = LIFECYCLE.vms.map((vm) => resourceOf(engine, vm).id);
    for (const [i, vm] of LIFECYCLE.vms.entries()) await expectOurVm(ctx, ids[i]!, vm);
    expect(resourceOf(engine, LIFECYCLE.vmPackage).outputs.installedVersion).toMatch(/^1\.0-\d+$/);
    expect((resourceOf(engine, LIFECYCLE.network).outputs.attachments as unknown[]).length).toBe(2);

    const noop = await ctx.phase("no-op up", () => engine.up(lifecycleProgram(ctx, { alphaVersion: VERSIONED_ROCK.from, vmBTags: [] })));
    expect(mutations(noop.value)).toEqual([]);
    expect(noop.phase.xapiCalls, "a no-op up makes no XAPI call").toEqual({});

    const changed = { alphaVersion: VERSIONED_ROCK.to, vmBTags: ["acceptance"] };
    const change = await ctx.phase("change (package version, tags)", () => engine.up(lifecycleProgram(ctx, changed)));
    expect(sorted(change.value)).toEqual([`update ${vmB}`, `update ${LIFECYCLE.localPackage}`, `update ${LIFECYCLE.vmPackage}`].sort());
    expect(LIFECYCLE.vms.map((vm) => resourceOf(engine, vm).id)).toEqual(ids);
    expect(resourceOf(engine, LIFECYCLE.vmPackage).outputs.installedVersion).toMatch(/^2\.0-\d+$/);

    await ctx.phase("outside change: vm-b powered off", async () => {
      await ctx.client.callAsync("VM.hard_shutdown", (await ctx.client.call("VM.get_by_uuid", ids[1]!)) as string);
    });
    await ctx.phase("refresh", () => engine.refresh());
    expect(resourceOf(engine, vmB).outputs.powerState).toBe("halted");

    const repair = await ctx.phase("repairing up", () => engine.up(lifecycleProgram(ctx, changed)));
    expect(mutations(repair.value)).toContain(`update ${vmB}`);
    expect(resourceOf(engine, vmB).outputs.powerState).toBe("running");
    expect(resourceOf(engine, vmA).id).toBe(ids[0]);

    await ctx.phase("destroy", () => engine.destroy());
    expect(engine.state).toEqual([]);
    await expectGone(ctx, ids);
  },
};

/** Changing a replacing input (clone mode) gives a new VM and removes the old one — never itself. */
const replace: Scenario = {
  name: "replace",
  async body(ctx) {
    const engine = ctx.engine();
    await ctx.phase("up", () => engine.up(replaceProgram(ctx, "clone")));
    const before = resourceOf(engine, "swap").id;
    const replaced = await ctx.phase("replace (cloneMode clone → copy)", () => engine.up(replaceProgram(ctx, "copy")));
    expect(sorted(replaced.value)).toEqual(["create swap", "delete swap"]);
    const after = resourceOf(engine, "swap").id;
    expect(after).not.toBe(before);
    await expectOurVm(ctx, after, "swap");
    await expectGone(ctx, [before]);
    await ctx.phase("destroy", () => engine.destroy());
    await expectGone(ctx, [after]);
  },
};

/** A VM made outside Pulumi is adopted with its host key pinned, then destroyed with the stack. */
const adoption: Scenario = {
  name: "adoption",
  async body(ctx) {
    const { target } = ctx;
    const made = await ctx.phase("make a VM outside Pulumi", async () => {
      const state = await ensureXcpngLuaVm(ctx.client, {
        owner: `${ACCEPTANCE_PROJECT}/${ctx.runId}/outside/adoptee`,
        name: `${namePrefix(ctx.runId)}adopted`,
        template: target.template,
        cloneMode: "clone",
        ...(target.sr ? { sr: target.sr } : {}),
        vcpus: 1,
        memoryMiB: 512,
        networks: [{ network: target.network }],
        ssh: { user: target.ssh.user, port: target.ssh.port ?? 22, privateKey: target.ssh.privateKey },
        ...(target.kind === "simulator" ? { luaInterpreter: "lua5.4" } : {}),
        tags: [],
        powerState: "running",
        allowRestart: false,
      });
      // What makes it a user's VM: none of our markers (the run's name prefix still names it for the sweep).
      const ref = (await ctx.client.call("VM.get_by_uuid", state.vmUuid)) as string;
      const otherConfig = (await ctx.client.call("VM.get_other_config", ref)) as Record<string, string>;
      for (const key of Object.keys(otherConfig).filter((k) => k.startsWith(markerPrefix))) await ctx.client.call("VM.remove_from_other_config", ref, key);
      if (!state.hostKeyFingerprint) throw new Error(`the VM made outside, ${state.vmUuid}, reported no host key`);
      return { vmUuid: state.vmUuid, hostKeyFingerprint: state.hostKeyFingerprint };
    });
    const engine = ctx.engine();
    await ctx.phase("adopt", () => engine.up(adoptProgram(ctx, made.value.vmUuid, made.value.hostKeyFingerprint)));
    const adopted = resourceOf(engine, "adopted");
    expect(adopted.id).toBe(made.value.vmUuid);
    expect(adopted.outputs.adopted).toBe(true);
    await expectOurVm(ctx, adopted.id, "adopted");
    await ctx.phase("destroy", () => engine.destroy());
    await expectGone(ctx, [adopted.id]);
  },
};

/** The runner's own workload: bioxen-seq installed on a VM, run on the sample FASTA, output equal to a local run. */
const fasta: Scenario = {
  name: "FASTA workload",
  async body(ctx) {
    const engine = ctx.engine();
    await ctx.phase("up (VM + bioxen-seq)", () => engine.up(workloadProgram(ctx)));
    const vm = resourceOf(engine, "fasta").outputs;
    const treePath = String(resourceOf(engine, "fasta-seq").outputs.treePath);
    const remote = await ctx.phase("run bioxen-seq on the VM", async () => {
      const target = sshTarget({ host: String(vm.ipAddress), port: ctx.target.ssh.port ?? 22, username: ctx.target.ssh.user, privateKey: ctx.target.ssh.privateKey, hostKey: { fingerprint: String(vm.hostKeyFingerprint) } });
      const dir = (await target.exec(["mktemp", "-d"], { timeoutMs: 30_000 })).stdout.trim();
      try {
        await target.writeFile(`${dir}/sample.fasta`, await readFile(SAMPLE_FASTA, "utf8"), { timeoutMs: 60_000 });
        const result = await target.exec([`${treePath}/bin/bioxen-seq`, "-k", "3", "-n", "3", `${dir}/sample.fasta`], { timeoutMs: 120_000 });
        expect(result.exitCode, result.stderr).toBe(0);
        return result.stdout;
      } finally {
        await target.exec(["rm", "-rf", dir], { timeoutMs: 30_000 });
      }
    });
    const local = await run("lua5.4", [resolve(WORKLOAD_ROCK_DIR, "bin/bioxen-seq"), "-k", "3", "-n", "3", SAMPLE_FASTA], { env: { ...process.env, LUA_PATH: `${WORKLOAD_ROCK_DIR}/?.lua;;` } });
    expect(remote.value).toBe(local.stdout);
    expect(remote.value).toMatch(/^SYN_0001\.1\s+\d+/m);
    await ctx.phase("destroy", () => engine.destroy());
    await expectGone(ctx, [String(vm.vmUuid)]);
  },
};

/** Every scenario, in the order the suite runs them. */
export const SCENARIOS: readonly Scenario[] = [lifecycle, replace, adoption, fasta];

/** The scenarios named in `list` (see {@link selectScenarioNames}). */
export function selectScenarios(list: string | undefined): readonly Scenario[] {
  const names = selectScenarioNames(list);
  return SCENARIOS.filter((s) => names.includes(s.name));
}
