import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XcpngLuaVM } from "../../provider/xcpng-lua-vm";
import { SEEDED, TEMPLATES } from "../../sim";
import { isSecret, type Engine, type ProgramDir } from "../support/engine";
import { checkoutProgramDir, simEngine } from "../support/engine-suite";
import { expectNoSecretLeaks, mutations, privateKeyLines } from "./support/engine-checks";
import { startTestSim } from "../support/sim";
import { XCPNG_COUNTED, expectNoLeftovers, type XcpngSim, finishEngineSim } from "./support/xcpng-sim";

// Needs a fresh `npm run build`: the provider host loads bioxen-luavm/provider/impl/xcpng-lua-vm from dist/.
const PASSWORD = "xcpng-engine-secret-8c41e7";
let env: XcpngSim;
let program: ProgramDir;
let engine: Engine | undefined;

beforeAll(async () => {
  env = await startTestSim({ password: PASSWORD }, { sshGuests: { addressBase: "127.81" }, counted: XCPNG_COUNTED });
  program = checkoutProgramDir();
});

afterAll(() => finishEngineSim(engine, env, program));

/** Waits (deadline 15 s) until the simulator holds no session other than the test's own client. */
async function sessionsDrainTo(count: number): Promise<number> {
  const deadline = Date.now() + 15_000;
  while (env.sim.sessionCount() > count && Date.now() < deadline) await sleep(100);
  return env.sim.sessionCount();
}

describe("XcpngLuaVM through the real dynamic-provider host", () => {
  it("runs up, a no-op up, a memory change with allowRestart, a refresh after an outside power-off and a destroy without leaking secrets", async () => {
    engine = simEngine(env.sim, {
      project: "vmproj",
      stack: "dev",
      config: { "bioxen:sessionIdleMs": "200" },
      programDir: program.dir,
    });
    const program_ = (memoryMiB: number) => () => {
      new XcpngLuaVM("lua1", {
        template: TEMPLATES.cloneReady,
        memoryMiB,
        allowRestart: true,
        tags: ["b", "a"],
        networks: [{ network: SEEDED.managementNetwork }],
        ssh: { user: env.user, port: env.sshPort, privateKey: env.keys.private },
        luaInterpreter: "lua5.4",
        timeouts: { create: 60, ready: 60, delete: 30 },
      });
    };
    const baseSessions = env.sim.sessionCount();

    const first = await engine.up(program_(512));
    expect(mutations(first)).toEqual(["create lua1"]);
    const vm = () => engine!.state[0]!;
    const id = vm().id;
    expect(vm().urn).toContain("pulumi-nodejs:dynamic/bioxen:XcpngLuaVM");
    expect(env.sim.record("VM", env.sim.refOf(id)!)!.other_config["bioxen:owner"]).toBe("vmproj/dev/XcpngLuaVM/lua1");
    expect(vm().outputs.luaLanguageVersion).toBe("5.4");
    expect(vm().outputs.hostKeyFingerprint).toBe(env.sim.sshGuests!.hostKeyFingerprint(id));
    expect(isSecret(vm().outputs.ssh)).toBe(true);
    expect(isSecret(vm().outputs.sshTarget)).toBe(true);

    expect(mutations(await engine.up(program_(512)))).toEqual([]);

    const changed = await engine.up(program_(768));
    expect(mutations(changed)).toEqual(["update lua1"]);
    expect(vm().id).toBe(id);
    expect(vm().outputs.memoryMiB).toBe(768);
    expect(vm().outputs.powerState).toBe("running");
    expect(vm().outputs.luaVersion).toEqual(expect.any(String));

    await env.client.callAsync("VM.hard_shutdown", env.sim.refOf(id)!);
    await engine.refresh();
    expect(vm().outputs.powerState).toBe("halted");
    expect(vm().inputs.powerState).toBe("halted");
    const repaired = await engine.up(program_(768));
    expect(mutations(repaired)).toEqual(["update lua1"]);
    expect(vm().outputs.powerState).toBe("running");

    expectNoSecretLeaks(engine, [PASSWORD, env.keys.private, ...privateKeyLines(env.keys.private)], [first, changed, repaired]);

    await engine.destroy();
    expect(engine.state).toEqual([]);
    expect(env.sim.refOf(id)).toBeUndefined();
    expectNoLeftovers(env);
    expect(await sessionsDrainTo(baseSessions)).toBe(baseSessions);
  }, 180_000);
});
