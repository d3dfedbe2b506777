import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VmNetwork } from "../../provider/vm-network";
import { UNKNOWN, isSecret, type Engine, type ProgramDir } from "../support/engine";
import { checkoutProgramDir, finishEngineSuite, simEngine } from "../support/engine-suite";
import { expectNoSecretLeaks, mutations } from "./support/engine-checks";
import { expectNoLeftovers, startGuestVm, startNetworkSim, type GuestVm, type NetworkSim } from "./vm-network-support";

// Needs a fresh `npm run build`: the provider host loads bioxen-luavm/provider/impl/vm-network from dist/.
const PASSWORD = "net-engine-secret-5d91c2";
let env: NetworkSim;
let program: ProgramDir;
let vmA: GuestVm;
let vmB: GuestVm;
let engine: Engine | undefined;

beforeAll(async () => {
  env = await startNetworkSim({ guests: false, password: PASSWORD });
  program = checkoutProgramDir();
  [vmA, vmB] = await Promise.all([startGuestVm(env, "engine-a"), startGuestVm(env, "engine-b")]);
});

afterAll(() =>
  finishEngineSuite({
    engines: [engine],
    check: async () => {
      await Promise.all([vmA?.destroy(), vmB?.destroy()]);
      if (env) expectNoLeftovers(env);
    },
    program,
    servers: [env],
  }),
);

describe("VmNetwork through the real dynamic-provider host", () => {
  it("runs up, a no-op up, an attach change, a preview with unknowns, a refresh and a destroy without leaking the password", async () => {
    engine = simEngine(env.sim, {
      project: "netproj",
      stack: "dev",
      programDir: program.dir,
    });
    const connection = { url: env.sim.url, username: env.sim.username, password: pulumi.secret(PASSWORD) };
    const lab = (vms: string[]) => () => {
      new VmNetwork("lab", { name: "lab", attach: vms.map((vmUuid) => ({ vmUuid })) });
      new VmNetwork("pool2", { connection, name: "pool2", vlan: { pifDevice: "eth0", tag: 12 }, mtu: 9000 });
    };

    const first = await engine.up(lab([vmA.uuid]));
    expect(mutations(first).sort()).toEqual(["create lab", "create pool2"]);
    const net = () => engine!.state.find((r) => r.urn.endsWith("::lab"))!;
    const id = net().id;
    expect(env.sim.record("network", env.sim.refOf(id)!)!.other_config["bioxen:owner"]).toBe("netproj/dev/VmNetwork/lab");
    expect(net().outputs.attachments).toEqual([{ vmUuid: vmA.uuid, vifUuid: expect.any(String), device: "1", address: expect.stringMatching(/^127\.66\./) }]);
    const pool2 = engine.state.find((r) => r.urn.endsWith("::pool2"))!;
    expect(pool2.urn).toContain("pulumi-nodejs:dynamic/bioxen:VmNetwork");
    expect(isSecret(pool2.outputs.connection)).toBe(true);
    expect(pool2.outputs.vlan).toEqual({ pifDevice: "eth0", tag: 12 });

    const again = await engine.up(lab([vmA.uuid]));
    expect(mutations(again)).toEqual([]);

    const changed = await engine.up(lab([vmB.uuid, vmA.uuid]));
    expect(mutations(changed)).toEqual(["update lab"]);
    expect(net().id).toBe(id);
    expect((net().outputs.attachments as Array<{ vmUuid: string }>).map((a) => a.vmUuid)).toEqual([vmB.uuid, vmA.uuid]);
    expect(env.sim.objects("VIF").filter((o) => o.record.network === env.sim.refOf(id))).toHaveLength(2);

    const previewed = await engine.preview(lab([vmB.uuid, UNKNOWN]));
    expect([...new Set(previewed.calls.map((c) => c.method))]).toEqual(["getPluginInfo", "configure", "check", "diff"]);

    const refreshed = await engine.refresh();
    expect(refreshed.calls.filter((c) => c.method === "read")).toHaveLength(2);
    expect(mutations(await engine.up(lab([vmB.uuid, vmA.uuid])))).toEqual([]);

    expectNoSecretLeaks(engine, [PASSWORD], [first, changed, previewed, refreshed]);

    await engine.destroy();
    expect(engine.state).toEqual([]);
    expect(env.sim.refOf(id)).toBeUndefined();
    expect(env.sim.objects("VLAN").filter((o) => o.record.tag === 12)).toEqual([]);
  }, 180_000);
});
