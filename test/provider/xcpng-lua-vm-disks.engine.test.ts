import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XcpngLuaVM } from "../../provider/xcpng-lua-vm";
import { SEEDED, TEMPLATES } from "../../sim";
import type { Engine, ProgramDir } from "../support/engine";
import { checkoutProgramDir, simEngine } from "../support/engine-suite";
import { mutations } from "./support/engine-checks";
import { startTestSim } from "../support/sim";
import { XCPNG_COUNTED, expectNoLeftovers, finishEngineSim, type XcpngSim } from "./support/xcpng-sim";

// Needs a fresh `npm run build`: the provider host loads bioxen-luavm/provider/impl/xcpng-lua-vm from dist/.
let env: XcpngSim;
let program: ProgramDir;
let engine: Engine | undefined;

beforeAll(async () => {
  env = await startTestSim({}, { sshGuests: { addressBase: "127.93" }, counted: XCPNG_COUNTED });
  program = checkoutProgramDir();
});

afterAll(() => finishEngineSim(engine, env, program));

describe("XcpngLuaVM data disks, live vCPUs and drift through the real dynamic-provider host", () => {
  it("creates a data disk, changes vCPUs live, shows a disk detached outside on refresh and re-attaches it on up, and destroys it with the VM", async () => {
    engine = simEngine(env.sim, { project: "diskproj", stack: "dev", programDir: program.dir });
    const program_ = (vcpus: number) => () => {
      new XcpngLuaVM("disky", {
        template: TEMPLATES.cloneReady,
        memoryMiB: 512,
        vcpus,
        maxVcpus: 4,
        disks: [{ sizeGiB: 1, name: "data" }],
        networks: [{ network: SEEDED.managementNetwork }],
        ssh: { user: env.user, port: env.sshPort, privateKey: env.keys.private },
        luaInterpreter: "lua5.4",
        timeouts: { create: 60, ready: 60, delete: 30 },
      });
    };
    expect(mutations(await engine.up(program_(1)))).toEqual(["create disky"]);
    const vm = () => engine!.state[0]!;
    const id = vm().id;
    const record = () => env.sim.record("VM", env.sim.refOf(id)!)!;
    const dataVbd = () => record().VBDs.find((vbd: string) => env.sim.record("VBD", vbd)!.userdevice !== "0");
    const dataVdi = env.sim.record("VBD", dataVbd())!.VDI as string;
    expect(vm().outputs.disks).toEqual([{ sizeGiB: 1, name: "data" }]);
    expect(mutations(await engine.up(program_(1)))).toEqual([]);

    const domid = record().domid;
    expect(mutations(await engine.up(program_(3)))).toEqual(["update disky"]);
    expect(vm().outputs.vcpus).toBe(3);
    expect(record().domid).toBe(domid);

    await env.client.call("VBD.unplug", dataVbd());
    await env.client.call("VBD.destroy", dataVbd());
    await engine.refresh();
    expect(vm().outputs.disks).toEqual([]);
    expect(mutations(await engine.up(program_(3)))).toEqual(["update disky"]);
    expect(vm().outputs.disks).toEqual([{ sizeGiB: 1, name: "data" }]);
    expect(env.sim.record("VBD", dataVbd())!.VDI).toBe(dataVdi);

    await engine.destroy();
    expect(env.sim.refOf(id)).toBeUndefined();
    expect(env.sim.record("VDI", dataVdi)).toBeUndefined();
    expectNoLeftovers(env);
    // Six engine operations: ~13 s on an idle machine, 45 s seen under a load of 20.
  }, 180_000);
});
