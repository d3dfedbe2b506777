/**
 * Issue #16, hostile input through the REAL dynamic-provider host (engine harness): generated
 * strings as the inputs of every resource kind in one preview — each resource the provider's
 * check rejects fails with a message naming its inputs, exactly those, and nothing executes — and
 * the strings check accepts for a VmNetwork's name and description in one up against the
 * simulator: they reach XAPI as data, byte-exact, and destroy removes every network.
 *
 * Needs a fresh `npm run build`: the provider host loads bioxen-luavm/provider/impl/* from dist/.
 */
import fc from "fast-check";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalLua } from "../../provider/local-lua";
import { LuaPackage } from "../../provider/lua-package";
import { VmNetwork } from "../../provider/vm-network";
import { XcpngLuaVM } from "../../provider/xcpng-lua-vm";
import * as localLua from "../../provider/impl/local-lua";
import * as luaPackage from "../../provider/impl/lua-package";
import * as vmNetwork from "../../provider/impl/vm-network";
import * as xcpngLuaVm from "../../provider/impl/xcpng-lua-vm";
import { EngineOperationError, type Engine, type ProgramDir } from "../support/engine";
import { checkoutProgramDir, finishEngineSuite, simEngine } from "../support/engine-suite";
import { startTestSim, type TestSim } from "../support/sim";
import { expectNoSecretLeaks } from "../provider/support/engine-checks";
import { ownedObjects } from "../stack/sim-checks";
import { expectClearReason } from "./clear-errors";
import { hostileString } from "./hostile-strings";

const PASSWORD = "hostile-engine-secret-4e7a1c";
/** Generated strings per resource kind in the preview. */
const PER_KIND = 40;
/** Accepted network names/descriptions created in the up. */
const NETWORKS = 15;
const FINGERPRINT = `SHA256:${"A".repeat(43)}`;

let env: TestSim;
let program: ProgramDir;
let dir: string;
let canary: string;
let engine: Engine | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bioxen-hostile-engine-"));
  canary = join(dir, "canary");
  program = checkoutProgramDir();
  env = await startTestSim({ password: PASSWORD, guests: false });
  engine = simEngine(env.sim, { project: "hostileproj", stack: "dev", programDir: program.dir });
});

afterAll(() => finishEngineSuite({ engines: [engine], program, servers: [env], folders: [dir] }));

/** The inputs each kind gets from one generated string `s` (every string input set to it). */
const KINDS = {
  XcpngLuaVM: (s: string) => ({ name: s, template: s, networks: [{ network: s }], ssh: { user: s }, luaInterpreter: s, tags: [s] }),
  VmNetwork: (s: string) => ({ name: s, description: s }),
  LuaPackage: (s: string) => ({ target: { kind: "ssh", host: s, port: 22, username: s, hostKeyFingerprint: FINGERPRINT }, name: s, version: s, servers: [s] }),
  LocalLua: (s: string) => ({ interpreter: s, tree: s }),
} as const;

function generated(count: number, seed: number): string[] {
  return fc.sample(hostileString(canary), { numRuns: count, seed });
}

describe("hostile strings through the dynamic-provider host", () => {
  it("preview: every resource whose check fails is refused with its inputs named; no other; nothing runs", async () => {
    const strings = Object.fromEntries(Object.keys(KINDS).map((kind, i) => [kind, generated(PER_KIND, 1_600 + i)])) as Record<keyof typeof KINDS, string[]>;
    const checks = { XcpngLuaVM: xcpngLuaVm.check, VmNetwork: vmNetwork.check, LuaPackage: luaPackage.check, LocalLua: localLua.check };
    const owner = (kind: string, name: string) => ({ __owner: `hostileproj/dev/${kind}/${name}` });
    // What the provider's check says of each, called directly: the host must agree.
    const expectedRefusals = new Set<string>();
    for (const [kind, values] of Object.entries(strings) as Array<[keyof typeof KINDS, string[]]>) {
      for (const [i, value] of values.entries()) {
        const name = `${kind.toLowerCase()}-${i}`;
        const inputs = { ...KINDS[kind](value), ...(kind === "XcpngLuaVM" || kind === "VmNetwork" ? owner(kind, name) : {}) };
        const { failures = [] } = await (checks[kind] as (o: object, n: object) => Promise<{ failures?: unknown[] }>)({}, inputs);
        if (failures.length > 0) expectedRefusals.add(name);
      }
    }
    const preview = engine!.preview(() => {
      strings.XcpngLuaVM.forEach((s, i) => new XcpngLuaVM(`xcpngluavm-${i}`, KINDS.XcpngLuaVM(s) as never));
      strings.VmNetwork.forEach((s, i) => new VmNetwork(`vmnetwork-${i}`, KINDS.VmNetwork(s) as never));
      strings.LuaPackage.forEach((s, i) => new LuaPackage(`luapackage-${i}`, KINDS.LuaPackage(s) as never));
      strings.LocalLua.forEach((s, i) => new LocalLua(`locallua-${i}`, KINDS.LocalLua(s) as never));
    });
    const error = await preview.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(EngineOperationError);
    const failures = (error as EngineOperationError).failures.map((f) => (f instanceof Error ? f.message : String(f)));
    const refused = new Set(failures.map((message) => /::([a-z]+-\d+) failed: /.exec(message)?.[1]));
    expect(refused).toEqual(expectedRefusals);
    for (const message of failures) {
      expect(message).toMatch(/^check of urn:pulumi:dev::hostileproj::\S+ failed: \S+: .+; fix the program's inputs$/s);
      expectClearReason(message, "host check failure");
    }
    expect(engine!.state).toEqual([]);
    expect(existsSync(canary), "a generated string was executed").toBe(false);
    console.log(`hostile input through the host: ${4 * PER_KIND} resources in one preview, ${refused.size} refused by check, ${4 * PER_KIND - refused.size} accepted`);
  }, 120_000);

  it("up: accepted network names and descriptions reach XAPI byte-exact; destroy removes them all", async () => {
    const accepted: string[] = [];
    for (const value of generated(2_000, 1_700)) {
      const { failures = [] } = await vmNetwork.check({}, { ...KINDS.VmNetwork(value), __owner: "hostileproj/dev/VmNetwork/n" });
      if (failures.length === 0 && !accepted.includes(value)) accepted.push(value);
      if (accepted.length === NETWORKS) break;
    }
    expect(accepted).toHaveLength(NETWORKS);
    await engine!.up(() => accepted.forEach((s, i) => new VmNetwork(`net-${i}`, { name: s, description: s })));
    const records = env.sim.objects("network").map((o) => o.record as { name_label: string; name_description: string });
    for (const value of accepted) expect(records.some((r) => r.name_label === value && r.name_description === value), `a network named ${JSON.stringify(value)}`).toBe(true);
    await engine!.destroy();
    expect(ownedObjects(env.sim)).toEqual([]);
    expect(existsSync(canary), "a generated string was executed").toBe(false);
    expectNoSecretLeaks(engine!, [PASSWORD]);
  }, 180_000);
});
