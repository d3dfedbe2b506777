/**
 * Issue #15 item 6, `pulumi import` through the real dynamic-provider host: the engine's import
 * step (test/support/engine/import-step.ts) reads each resource given only its id, then the program
 * that declares it must diff as no change. A VM or network not made by bioxen-luavm is imported
 * as such and never destroyed (a VM only after `adopt` hands it over); one made by us (a lost
 * state) is imported as its resource's and destroyed like it.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaPackage } from "../../provider/lua-package";
import { VmNetwork } from "../../provider/vm-network";
import { XcpngLuaVM, type XcpngLuaVmArgs } from "../../provider/xcpng-lua-vm";
import { LuaRocks } from "../../sdk/rocks";
import { destroyXcpngLuaVm, ensureXcpngLuaVm, type XcpngLuaVmState } from "../../sdk/vm/xcpng";
import { localTarget } from "../../sdk/target";
import { SEEDED, TEMPLATES } from "../../sim";
import { EngineOperationError, type Engine, type ProgramDir } from "../support/engine";
import { checkoutProgramDir, finishEngineSuite, makeTempHome, simEngine, type TempHome } from "../support/engine-suite";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { startTestSim } from "../support/sim";
import { mutations } from "./support/engine-checks";
import { XCPNG_COUNTED, expectNoLeftovers, type XcpngSim } from "./support/xcpng-sim";
import { vmSpec } from "../support/xcpng-inputs";

// Needs a fresh `npm run build`: the provider host loads bioxen-luavm/provider/impl/* from dist/.
const PASSWORD = "import-engine-secret-7c2e90";
const FAST = { createMs: 60_000, readyMs: 60_000, deleteMs: 30_000 };
let env: XcpngSim;
let server: RocksServer;
let program: ProgramDir;
let temp: TempHome;
const engines: Engine[] = [];

beforeAll(async () => {
  temp = makeTempHome("bioxen-import-engine-");
  [env, server] = await Promise.all([startTestSim({ password: PASSWORD }, { sshGuests: { addressBase: "127.91" }, counted: XCPNG_COUNTED }), startRocksServer({ rocks: ["alpha"] })]);
  program = checkoutProgramDir();
});

afterAll(() => finishEngineSuite({ engines, check: () => expectNoLeftovers(env), program, servers: [env, server], folders: [temp?.dir] }));

function newEngine(stack = "dev"): Engine {
  const engine = simEngine(env.sim, {
    project: "importproj",
    stack,
    config: { "bioxen:sessionIdleMs": "200" },
    programDir: program.dir,
    host: { env: { HOME: temp.home } },
  });
  engines.push(engine);
  return engine;
}

const managementUuid = () => String(env.sim.objects("network").find((o) => o.record.name_label === SEEDED.managementNetwork)!.record.uuid);
const vmExists = (uuid: string) => env.sim.refOf(uuid) !== undefined;

/** A VM made "by hand": made by the sdk, then every bioxen marker and tag removed. */
async function handMadeVm(name: string): Promise<XcpngLuaVmState> {
  const made = await ensureXcpngLuaVm(env.client, vmSpec(env, name), FAST);
  const ref = env.sim.refOf(made.vmUuid)!;
  for (const key of Object.keys(env.sim.record("VM", ref)!.other_config)) if (key.startsWith("bioxen:")) await env.client.call("VM.remove_from_other_config", ref, key);
  await env.client.call("VM.remove_tags", ref, "bioxen-luavm");
  return made;
}

/** The program declaring the hand-made VM as it is. */
function vmProgram(made: XcpngLuaVmState, extra: Partial<XcpngLuaVmArgs> = {}, importId?: string) {
  return () => {
    new XcpngLuaVM(
      "imported",
      {
        name: made.name,
        template: TEMPLATES.cloneReady,
        memoryMiB: 512,
        networks: [{ network: managementUuid() }],
        ssh: { user: env.user, port: env.sshPort, privateKey: env.keys.private, hostKeyFingerprint: made.hostKeyFingerprint },
        luaInterpreter: "lua5.4",
        timeouts: { create: 60, ready: 60, delete: 30 },
        ...extra,
      },
      importId ? { import: importId } : {},
    );
  };
}

describe("pulumi import through the real dynamic-provider host", () => {
  it("imports a VM not made by us as adopted, previews no change, and forgets it on destroy unless adopt hands it over", async () => {
    const made = await handMadeVm("hand-made");
    try {
      const engine = newEngine();
      const imported = await engine.up(vmProgram(made, {}, made.vmUuid));
      expect(imported.calls.filter((c) => c.method !== "getPluginInfo" && c.method !== "configure").map((c) => c.method)).toEqual(["read", "check", "diff"]);
      expect(mutations(imported)).toEqual([]);
      const [state] = engine.state;
      expect(state!.id).toBe(made.vmUuid);
      expect(state!.outputs).toMatchObject({ adopted: true, __imported: true, vmUuid: made.vmUuid, name: "hand-made", vcpus: 1, memoryMiB: 512, powerState: "running" });
      expect(state!.outputs.__owner).toBeUndefined();

      expect(mutations(await engine.preview(vmProgram(made)))).toEqual([]);
      const again = await engine.up(vmProgram(made));
      expect(again.calls.map((c) => c.method)).toContain("diff");
      expect(mutations(again)).toEqual([]);
      await engine.refresh();
      expect(engine.state[0]!.outputs).toMatchObject({ adopted: true, __imported: true, powerState: "running" });

      await engine.destroy();
      expect(engine.state).toEqual([]);
      expect(vmExists(made.vmUuid)).toBe(true);

      const adopting = newEngine();
      await adopting.up(vmProgram(made, {}, made.vmUuid));
      const handOver = await adopting.up(vmProgram(made, { adopt: made.vmUuid }));
      expect(mutations(handOver)).toEqual(["update imported"]);
      expect(adopting.state[0]!.outputs).toMatchObject({ adopt: made.vmUuid, adopted: true, __imported: true });
      await adopting.destroy();
      expect(vmExists(made.vmUuid)).toBe(false);
    } finally {
      if (vmExists(made.vmUuid)) await destroyXcpngLuaVm(env.client, made.vmUuid, "importproj/x/XcpngLuaVM/cleanup", { adopted: true }, FAST);
    }
    // Eight engine operations, each starting a provider host: 10 s on a quiet machine, over 60 s at a load of 20.
  }, 180_000);

  it("imports a VM with an affinity host: the program naming that host by name or uuid previews no change", async () => {
    const made = await handMadeVm("placed-by-hand");
    const host = env.sim.objects("host").find((h) => h.record.name_label === "xcp-sim-2")!;
    await env.client.call("VM.set_affinity", env.sim.refOf(made.vmUuid)!, host.ref);
    try {
      const engine = newEngine("placed");
      expect(mutations(await engine.up(vmProgram(made, { affinityHost: "xcp-sim-2" }, made.vmUuid)))).toEqual([]);
      expect(engine.state[0]!.outputs).toMatchObject({ __imported: true, affinityHost: host.record.uuid, affinityHostUuid: host.record.uuid, affinityHostName: "xcp-sim-2" });
      expect(mutations(await engine.preview(vmProgram(made, { affinityHost: "xcp-sim-2" })))).toEqual([]);
      expect(mutations(await engine.preview(vmProgram(made, { affinityHost: String(host.record.uuid) })))).toEqual([]);
      await engine.destroy();
      expect(vmExists(made.vmUuid)).toBe(true);
      expect(env.sim.record("VM", env.sim.refOf(made.vmUuid)!)!.affinity).toBe(host.ref);
    } finally {
      await destroyXcpngLuaVm(env.client, made.vmUuid, "importproj/x/XcpngLuaVM/cleanup", { adopted: true }, FAST);
    }
  }, 180_000);

  it("refuses an import whose program does not match the VM, and leaves the VM alone", async () => {
    const made = await handMadeVm("mismatch");
    try {
      const engine = newEngine();
      const failed = engine.up(vmProgram(made, { tags: ["wanted"] }, made.vmUuid));
      await expect(failed).rejects.toThrow(EngineOperationError);
      await expect(failed).rejects.toThrow(/inputs to import do not match the existing resource/);
      expect(engine.state).toEqual([]);
      expect(engine.callsOf(["create", "update", "delete"])).toEqual([]);
      expect(env.sim.record("VM", env.sim.refOf(made.vmUuid)!)!.tags).toEqual([]);
    } finally {
      await destroyXcpngLuaVm(env.client, made.vmUuid, "importproj/x/XcpngLuaVM/cleanup", { adopted: true }, FAST);
    }
  });

  it("imports a VM one of our resources made (a lost state) as that resource's, and destroys it", async () => {
    const first = newEngine("lost");
    const declare = (importId?: string) => () => {
      new XcpngLuaVM(
        "ours",
        { template: TEMPLATES.cloneReady, memoryMiB: 512, networks: [{ network: managementUuid() }], ssh: { user: env.user, port: env.sshPort, privateKey: env.keys.private }, luaInterpreter: "lua5.4", timeouts: { create: 60, ready: 60, delete: 30 } },
        importId ? { import: importId } : {},
      );
    };
    await first.up(declare());
    const uuid = first.state[0]!.id;
    const instance = first.state[0]!.outputs.__instance;
    first.state = [];

    const second = newEngine("lost");
    expect(mutations(await second.up(declare(uuid)))).toEqual([]);
    expect(second.state[0]!.outputs).toMatchObject({ adopted: false, __imported: true, __owner: "importproj/lost/XcpngLuaVM/ours", __instance: instance });
    await second.destroy();
    expect(vmExists(uuid)).toBe(false);
  });

  it("imports networks: ours with its VIFs' claim (destroyed with the resource), another's observed only (kept)", async () => {
    const maker = newEngine("nets");
    await maker.up(() => void new VmNetwork("lab", { name: "lab", description: "ours" }));
    const ours = maker.state[0]!.id;
    maker.state = [];
    const foreign = String(await env.client.call("network.create", { name_label: "by-hand", name_description: "", MTU: 1500, other_config: {}, bridge: "", managed: true, tags: [] }));
    const foreignUuid = String(await env.client.call("network.get_uuid", foreign));
    try {
      const engine = newEngine("nets");
      const declare = (imports: boolean) => () => {
        new VmNetwork("lab", { name: "lab", description: "ours" }, imports ? { import: ours } : {});
        new VmNetwork("external", { name: "by-hand" }, imports ? { import: foreignUuid } : {});
      };
      expect(mutations(await engine.up(declare(true)))).toEqual([]);
      expect(mutations(await engine.up(declare(false)))).toEqual([]);
      const external = engine.state.find((r) => r.urn.endsWith("::external"))!;
      expect(external.outputs).toMatchObject({ __imported: true, networkUuid: foreignUuid, attachments: [] });
      await expect(engine.up(() => void new VmNetwork("external", { name: "renamed" }))).rejects.toThrow(/was not made by bioxen-luavm, so it is never changed/);
      await engine.destroy();
      expect(env.sim.refOf(ours)).toBeUndefined();
      expect(env.sim.refOf(foreignUuid)).toBe(foreign);
    } finally {
      await env.client.call("network.destroy", foreign);
    }
  });

  it("imports a rock by its id (local tree), previews no change, and leaves it installed on destroy", async () => {
    const tree = join(temp.dir, "tree");
    const rocks = new LuaRocks(localTarget(), { tree: { path: tree }, luaVersion: "5.4", servers: [server.url], env: { HOME: temp.home } });
    const { version } = await rocks.install("alpha");
    const engine = newEngine("rocks");
    const declare = (importId?: string) => () =>
      void new LuaPackage("alpha", { target: { kind: "local" }, name: "alpha", tree: { path: tree }, luaVersion: "5.4", servers: [server.url] }, importId ? { import: importId } : {});
    await expect(newEngine("rocks-bad").up(declare(`ssh://u@host:22:${tree}/alpha`))).rejects.toThrow(/append the host's key pin/);
    expect(mutations(await engine.up(declare(`local:${tree}/alpha#lua=5.4`)))).toEqual([]);
    expect(engine.state[0]!.outputs).toMatchObject({ installedVersion: version, treePath: tree, __imported: true });
    expect(mutations(await engine.up(declare()))).toEqual([]);
    await engine.destroy();
    expect(await rocks.installed("alpha")).toBe(version);
  });
});
