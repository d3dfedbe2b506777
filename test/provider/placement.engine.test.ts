import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VmNetwork } from "../../provider/vm-network";
import { XcpngLuaVM } from "../../provider/xcpng-lua-vm";
import { SEEDED, TEMPLATES } from "../../sim";
import { Engine, createProgramDir, type ProgramDir } from "../support/engine";
import { simEngine } from "../support/engine-suite";
import { mutations } from "./support/engine-checks";
import { startTestSim } from "../support/sim";
import { XCPNG_COUNTED, expectNoLeftovers, finishEngineSim, type XcpngSim } from "./support/xcpng-sim";

// Needs a fresh `npm run build`: the provider host loads bioxen-luavm/provider/impl/* from dist/.
let env: XcpngSim;
let program: ProgramDir;
let engine: Engine | undefined;

beforeAll(async () => {
  env = await startTestSim({ hosts: 3 }, { sshGuests: { addressBase: "127.73" }, counted: XCPNG_COUNTED });
  program = createProgramDir({ "bioxen-luavm": resolve(__dirname, "../..") });
});

afterAll(() => finishEngineSim(engine, env, program));

describe("placement through the real dynamic-provider host (three simulated hosts)", () => {
  it("places a VM with affinityHost, moves it in place, repairs affinity drift, and keeps a VmNetwork's VLAN on every host", async () => {
    engine = simEngine(env.sim, {
      project: "placeproj",
      stack: "dev",
      programDir: program.dir,
    });
    const program_ = (affinityHost: string) => () => {
      new XcpngLuaVM("placed", {
        template: TEMPLATES.cloneReady,
        memoryMiB: 512,
        affinityHost,
        networks: [{ network: SEEDED.managementNetwork }],
        ssh: { user: env.user, port: env.sshPort, privateKey: env.keys.private },
        luaInterpreter: "lua5.4",
        timeouts: { create: 60, ready: 60, delete: 30 },
      });
      new VmNetwork("tagged", { name: "placement-vlan-61", vlan: { pifDevice: "eth0", tag: 61 } });
    };
    const hostUuid = (name: string) => String(env.sim.objects("host").find((h) => h.record.name_label === name)!.record.uuid);
    const byType = (type: string) => engine!.state.find((r) => r.type.endsWith(type))!;
    const vmRecord = () => env.sim.record("VM", env.sim.refOf(byType("XcpngLuaVM").id)!)!;
    const vlanHosts = () => ((env.sim.record("network", env.sim.refOf(byType("VmNetwork").id)!)!.PIFs as string[]).map((p) => env.sim.record("PIF", p)!.host as string)).sort();
    const allHosts = env.sim.objects("host").map((h) => h.ref).sort();

    expect((await engine.up(program_("xcp-sim-3"))).calls.length).toBeGreaterThan(0);
    expect(byType("XcpngLuaVM").outputs).toMatchObject({ affinityHost: "xcp-sim-3", affinityHostUuid: hostUuid("xcp-sim-3"), residentOn: hostUuid("xcp-sim-3") });
    expect(vlanHosts()).toEqual(allHosts);

    const domid = vmRecord().domid;
    expect(mutations(await engine.up(program_("xcp-sim-2")))).toEqual(["update placed"]);
    expect(byType("XcpngLuaVM").outputs).toMatchObject({ affinityHostUuid: hostUuid("xcp-sim-2"), residentOn: hostUuid("xcp-sim-3") });
    expect(vmRecord().domid).toBe(domid);

    await env.client.call("VM.set_affinity", env.sim.refOf(byType("XcpngLuaVM").id)!, env.sim.refOf(hostUuid("xcp-sim-1"))!);
    const vlanPif = (env.sim.record("network", env.sim.refOf(byType("VmNetwork").id)!)!.PIFs as string[]).find((p) => env.sim.record("PIF", p)!.host === env.sim.refOf(hostUuid("xcp-sim-3")))!;
    await env.client.call("VLAN.destroy", env.sim.record("PIF", vlanPif)!.VLAN_master_of);
    await engine.refresh();
    expect(byType("XcpngLuaVM").outputs.affinityHost).toBe(hostUuid("xcp-sim-1"));
    expect(byType("VmNetwork").outputs.vlan).toEqual({ pifDevice: "eth0", tag: 61, missingOn: ["xcp-sim-3"] });
    expect(mutations(await engine.up(program_("xcp-sim-2"))).sort()).toEqual(["update placed", "update tagged"]);
    expect(vmRecord().affinity).toBe(env.sim.refOf(hostUuid("xcp-sim-2")));
    expect(vlanHosts()).toEqual(allHosts);
    expect(mutations(await engine.up(program_("xcp-sim-2")))).toEqual([]);

    await engine.destroy();
    expect(env.sim.objects("VLAN").filter((o) => o.record.tag === 61)).toEqual([]);
    expectNoLeftovers(env);
  }, 180_000);
});
